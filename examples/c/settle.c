/* Settles a claim file with libyibao and prints the fund and cash amounts.
 * Build (after scripts/install-lib PREFIX):
 *   cc -std=c99 settle.c $(pkg-config --cflags --libs yibao) -o settle
 * Run:  ./settle cn-sx-taiyuan-resident-2010 claim.json */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "yibao.h"

int main(int argc, char **argv) {
    yibao_engine *engine = NULL;
    char *claim, *out = NULL;
    size_t len = 0, out_len = 0;
    long n;
    FILE *f;
    yibao_status st;
    if (argc < 3) {
        fprintf(stderr, "usage: %s POLICY CLAIM.json\n", argv[0]);
        return 2;
    }
    f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 2; }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    claim = malloc((size_t)n + 1);
    if (!claim) { fclose(f); return 2; }
    len = fread(claim, 1, (size_t)n, f);
    fclose(f);

    st = yibao_engine_new_builtin((const uint8_t *)argv[1], strlen(argv[1]), &engine);
    if (st != YIBAO_STATUS_OK) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], yibao_status_name(st));
        free(claim);
        return 1;
    }
    st = yibao_settle(engine, (const uint8_t *)claim, len, &out, &out_len);
    /* On success `out` is the settlement JSON; on failure, the error JSON. */
    printf("%s\n", out ? out : "");
    yibao_free_string(out);
    yibao_engine_free(engine);
    free(claim);
    return st == YIBAO_STATUS_OK ? 0 : 1;
}
