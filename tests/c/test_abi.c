/* The C ABI as hospital software uses it: every conformance case through
 * yibao_settle, the two-call buffer pattern, GBK, bad pointers and lengths,
 * handles used after free, a caught panic, and one engine shared by threads.
 * Usage: test_abi REPO_ROOT. Closing line: "c-abi: N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include "minijson.h"
#include "yibao.h"
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static unsigned hex4(const char *h) {
    unsigned v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        char ch = h[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9') v |= (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f') v |= (unsigned)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F') v |= (unsigned)(ch - 'A' + 10);
    }
    return v;
}

/* Decodes a JSON string literal (quotes included) in place into its text:
 * the simple escapes, and \uXXXX (surrogate pairs joined) as UTF-8. */
static void json_unescape(char *raw) {
    char *w = raw, *r = raw + 1;
    while (*r && !(r[0] == '"' && r[1] == 0)) {
        unsigned cp;
        if (r[0] != '\\' || !r[1]) { *w++ = *r++; continue; }
        r++;
        switch (*r) {
        case 'n': *w++ = '\n'; r++; continue;
        case 't': *w++ = '\t'; r++; continue;
        case 'r': *w++ = '\r'; r++; continue;
        case 'b': *w++ = '\b'; r++; continue;
        case 'f': *w++ = '\f'; r++; continue;
        case 'u': break;
        default: *w++ = *r++; continue;
        }
        if (strlen(r) < 5) break;
        cp = hex4(r + 1);
        r += 5;
        if (cp >= 0xD800 && cp < 0xDC00 && r[0] == '\\' && r[1] == 'u' && strlen(r) >= 6) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(r + 2) - 0xDC00);
            r += 6;
        }
        if (cp < 0x80) *w++ = (char)cp;
        else if (cp < 0x800) { *w++ = (char)(0xC0 | (cp >> 6)); *w++ = (char)(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) {
            *w++ = (char)(0xE0 | (cp >> 12)); *w++ = (char)(0x80 | ((cp >> 6) & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *w++ = (char)(0xF0 | (cp >> 18)); *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
            *w++ = (char)(0x80 | ((cp >> 6) & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    *w = 0;
}

static int passed, failed;
static const char *root;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (cond) {                                        \
            passed++;                                      \
        } else {                                           \
            failed++;                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fputc('\n', stderr);                           \
        }                                                  \
    } while (0)

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    long n;
    char *s;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) { free(s); s = NULL; }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

static const uint8_t *u8(const char *s) { return (const uint8_t *)s; }

/* Opens the engine a case names: a built-in ID or a file relative to the root. */
static yibao_engine *engine_for(const char *policy) {
    yibao_engine *e = NULL;
    size_t n = strlen(policy);
    if (n > 5 && !strcmp(policy + n - 5, ".json")) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", root, policy);
        if (yibao_engine_new_file(u8(path), strlen(path), &e) != YIBAO_STATUS_OK) return NULL;
    } else if (yibao_engine_new_builtin(u8(policy), n, &e) != YIBAO_STATUS_OK) {
        return NULL;
    }
    return e;
}

typedef struct {
    char name[256];
    char *policy;
    char *op;
    char *claim;
    char *result; /* settlement or error JSON from the single-threaded run */
    yibao_engine *engine;
} case_t;

static case_t cases[512];
static int ncases;

static void run_case(const char *file) {
    char *text = slurp(file), why[1024], *out = NULL;
    mj_value c, res;
    const mj_value *expect, *err, *rules, *claim, *claim_text, *op, *input;
    case_t *k = &cases[ncases];
    size_t out_len = 0, i, j;
    yibao_status st;
    int ok = 1;
    if (!text || mj_parse(text, &c)) { CHECK(0, "%s: unreadable case", file); free(text); return; }
    snprintf(k->name, sizeof k->name, "%s", strrchr(file, '/') + 1);
    k->policy = mj_text(mj_get(&c, "policy"));
    memmove(k->policy, k->policy + 1, strlen(k->policy)); /* drop the quotes */
    k->policy[strlen(k->policy) - 1] = 0;
    claim = mj_get(&c, "claim");
    claim_text = mj_get(&c, "claim_text");
    op = mj_get(&c, "op");
    input = mj_get(&c, "input");
    if (op) {
        k->op = mj_text(op);
        memmove(k->op, k->op + 1, strlen(k->op));
        k->op[strlen(k->op) - 1] = 0;
    } else {
        k->op = strdup("settle");
    }
    if (input) {
        k->claim = mj_text(input);
    } else if (claim) {
        k->claim = mj_text(claim);
    } else {
        /* claim_text is a JSON string: its text is the claim, escapes decoded */
        char *raw = mj_text(claim_text);
        json_unescape(raw);
        k->claim = raw;
    }
    k->engine = engine_for(k->policy);
    CHECK(k->engine != NULL, "%s: cannot load policy %s", k->name, k->policy);
    if (!k->engine) { mj_free(&c); free(text); return; }
    if (!strcmp(k->op, "settle"))
        st = yibao_settle(k->engine, u8(k->claim), strlen(k->claim), &out, &out_len);
    else
        st = yibao_call(k->engine, u8(k->op), strlen(k->op), u8(k->claim), strlen(k->claim), &out, &out_len);
    CHECK(out != NULL && strlen(out) == out_len, "%s: no output", k->name);
    if (!out) { mj_free(&c); free(text); return; }
    k->result = out;
    expect = mj_get(&c, "expect");
    err = mj_get(expect, "error");
    if (mj_parse(out, &res)) { CHECK(0, "%s: output is not JSON", k->name); mj_free(&c); free(text); ncases++; return; }
    if (err) {
        ok = st != YIBAO_STATUS_OK && !mj_subset(err, &res, why, sizeof why, "error");
        if (st == YIBAO_STATUS_OK) snprintf(why, sizeof why, "expected an error, got a settlement");
        if (ok) {
            const mj_value *code = mj_get(&res, "code");
            /* The status and the error JSON agree. */
            char name[64];
            snprintf(name, sizeof name, "\"%s\"", yibao_status_name(st));
            ok = code && code->len == strlen(name) && !memcmp(code->start, name, code->len);
            if (!ok) snprintf(why, sizeof why, "status %d does not match the error code", (int)st);
        }
    } else if (st != YIBAO_STATUS_OK) {
        ok = 0;
        snprintf(why, sizeof why, "unexpected error %s", out);
    } else {
        for (i = 0; ok && i < expect->count; i++) {
            char path[256];
            const mj_value *got;
            if (!strcmp(expect->keys[i], "trace_rules")) continue;
            got = mj_get(&res, expect->keys[i]);
            snprintf(path, sizeof path, ".%s", expect->keys[i]);
            if (!got) { ok = 0; snprintf(why, sizeof why, "%s: missing", path); }
            else ok = !mj_subset(&expect->items[i], got, why, sizeof why, path);
        }
        rules = mj_get(expect, "trace_rules");
        for (i = 0; ok && rules && i < rules->count; i++) {
            const mj_value *trace = mj_get(&res, "trace");
            int cited = 0;
            for (j = 0; trace && j < trace->count; j++) {
                const mj_value *r = mj_get(&trace->items[j], "rule");
                if (r && r->len == rules->items[i].len && !memcmp(r->start, rules->items[i].start, r->len)) cited = 1;
            }
            if (!cited) { ok = 0; snprintf(why, sizeof why, "trace cites no %.*s", (int)rules->items[i].len, rules->items[i].start); }
        }
    }
    CHECK(ok, "%s: %s", k->name, why);
    mj_free(&res);
    mj_free(&c);
    free(text);
    ncases++;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void conformance(void) {
    char dir[2048], *names[512], path[4096];
    int n = 0, i;
    DIR *d;
    struct dirent *ent;
    snprintf(dir, sizeof dir, "%s/tests/conformance/cases", root);
    d = opendir(dir);
    CHECK(d != NULL, "cannot open %s", dir);
    if (!d) return;
    while ((ent = readdir(d)) && n < 512)
        if (strstr(ent->d_name, ".json")) names[n++] = strdup(ent->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp);
    CHECK(n >= 40, "only %d conformance cases", n);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        run_case(path);
        free(names[i]);
    }
}

/* Threads settle every case with the engines of the single-threaded run and
 * must produce byte-identical output. */
static void *worker(void *arg) {
    int i, rounds, *bad = arg;
    for (rounds = 0; rounds < 3; rounds++)
        for (i = 0; i < ncases; i++) {
            char *out = NULL;
            if (!cases[i].engine || !cases[i].result) continue;
            yibao_call(cases[i].engine, u8(cases[i].op), strlen(cases[i].op), u8(cases[i].claim), strlen(cases[i].claim), &out, NULL);
            if (!out || strcmp(out, cases[i].result)) (*bad)++;
            yibao_free_string(out);
        }
    return NULL;
}

static void threads(void) {
    pthread_t t[4];
    int bad[4] = {0, 0, 0, 0}, i;
    for (i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, &bad[i]);
    for (i = 0; i < 4; i++) pthread_join(t[i], NULL);
    for (i = 0; i < 4; i++) CHECK(bad[i] == 0, "thread %d: %d results differ from the single-threaded run", i, bad[i]);
}

static const char *CLAIM =
    "{\"psn\":{\"psn_no\":\"P1\",\"insutype\":\"390\",\"psn_type\":\"1501\",\"insu_begn_date\":\"2008-01-01\","
    "\"primary_fixmedins_code\":\"H001\"},\"mdtrt\":{\"mdtrt_id\":\"M1\",\"med_type\":\"21\",\"begndate\":\"2010-03-01\","
    "\"enddate\":\"2010-03-10\",\"fixmedins_code\":\"H001\",\"hosp_lv\":\"3\",\"insuplc_admdvs\":\"140100\","
    "\"mdtrtarea_admvs\":\"140100\"},\"feedetail\":[{\"feedetl_sn\":\"1\",\"med_chrgitm_type\":\"09\",\"chrgitm_lv\":\"01\","
    "\"pric\":\"10000.00\",\"cnt\":\"1\",\"det_item_fee_sumamt\":\"10000.00\"}]}";

static void buffers_and_errors(void) {
    yibao_engine *e = NULL, *bad;
    char *out = NULL, small[8], big[65536], *owned = NULL;
    size_t needed = 0, n;
    yibao_status st;
    const char *id = "cn-sx-taiyuan-resident-2010";

    CHECK(yibao_abi_version() == YIBAO_ABI_VERSION, "ABI version %u vs header %d", yibao_abi_version(), YIBAO_ABI_VERSION);
    CHECK(strlen(yibao_version()) > 0, "empty version");
    CHECK(!strcmp(yibao_status_name(YIBAO_STATUS_BUFFER_TOO_SMALL), "BUFFER_TOO_SMALL"), "status name");
    CHECK(!strcmp(yibao_status_name(12345), "UNKNOWN_STATUS"), "unknown status name");

    CHECK(yibao_engine_new_builtin(u8(id), strlen(id), NULL) == YIBAO_STATUS_NULL_ARGUMENT, "NULL out");
    CHECK(yibao_engine_new_builtin(NULL, 5, &e) == YIBAO_STATUS_NULL_ARGUMENT && e == NULL, "NULL id, out untouched");
    CHECK(yibao_engine_new_builtin(u8("nope"), 4, &e) == YIBAO_STATUS_UNKNOWN_POLICY && e == NULL, "unknown pack");
    CHECK(yibao_engine_new_json(u8("{\"id\":"), 6, &e) == YIBAO_STATUS_INVALID_JSON, "bad policy JSON");
    CHECK(yibao_engine_new_file(u8("/nonexistent.json"), 17, &e) == YIBAO_STATUS_UNKNOWN_POLICY, "missing file");
    CHECK(yibao_engine_new_builtin(u8(id), strlen(id), &e) == YIBAO_STATUS_OK && e != NULL, "engine");

    /* Two-call pattern. */
    st = yibao_settle_into(e, u8(CLAIM), strlen(CLAIM), NULL, 0, &needed);
    CHECK(st == YIBAO_STATUS_BUFFER_TOO_SMALL && needed > 100, "size query: %d %lu", (int)st, (unsigned long)needed);
    memset(small, 'x', sizeof small);
    st = yibao_settle_into(e, u8(CLAIM), strlen(CLAIM), (uint8_t *)small, sizeof small, &n);
    CHECK(st == YIBAO_STATUS_BUFFER_TOO_SMALL && n == needed && small[0] == 'x', "too small writes nothing");
    st = yibao_settle_into(e, u8(CLAIM), strlen(CLAIM), (uint8_t *)big, needed, &n);
    CHECK(st == YIBAO_STATUS_OK && strlen(big) + 1 == needed, "exact buffer");
    yibao_settle(e, u8(CLAIM), strlen(CLAIM), &owned, NULL);
    CHECK(owned && !strcmp(owned, big), "owned and caller buffers agree");
    CHECK(strstr(big, "\"hifp_pay\":\"4625.00\"") != NULL, "4625.00 paid");
    yibao_free_string(owned);

    /* A call that fails says so even when its error JSON does not fit: the
       error's status, *needed the size of the error JSON, nothing written. */
    memset(small, 'x', sizeof small);
    st = yibao_settle_into(e, u8("{}"), 2, (uint8_t *)small, 1, &needed);
    CHECK(st == YIBAO_STATUS_INVALID_CLAIM && needed > 1 && small[0] == 'x', "failure into a tiny buffer: %d %lu", (int)st, (unsigned long)needed);
    st = yibao_settle_into(e, u8("{}"), 2, (uint8_t *)big, needed, &n);
    CHECK(st == YIBAO_STATUS_INVALID_CLAIM && n == needed && strlen(big) + 1 == needed && strstr(big, "\"INVALID_CLAIM\"") != NULL, "the error JSON in a buffer of *needed: %s", big);

    /* Bad input. */
    st = yibao_settle(e, u8("{\"psn\": \xff}"), 11, &out, NULL);
    CHECK(st == YIBAO_STATUS_INVALID_UTF8 && out && strstr(out, "\"INVALID_UTF8\"") && strstr(out, "byte 8"), "invalid UTF-8: %s", out ? out : "");
    yibao_free_string(out);
    out = NULL;
    st = yibao_settle(e, NULL, 10, &out, NULL);
    CHECK(st == YIBAO_STATUS_NULL_ARGUMENT && out != NULL, "NULL claim");
    yibao_free_string(out);
    out = NULL;
    st = yibao_settle(e, u8(CLAIM), (size_t)YIBAO_MAX_INPUT + 1, &out, NULL);
    CHECK(st == YIBAO_STATUS_INPUT_TOO_LARGE, "oversize input refused before it is read");
    yibao_free_string(out);
    out = NULL;
    st = yibao_settle(e, u8(CLAIM), strlen(CLAIM), NULL, NULL);
    CHECK(st == YIBAO_STATUS_NULL_ARGUMENT, "NULL out");
    st = yibao_settle(e, u8("{}"), 2, &out, NULL);
    CHECK(st == YIBAO_STATUS_INVALID_CLAIM && out && strstr(out, "\"path\""), "invalid claim with path");
    yibao_free_string(out);
    out = NULL;

    /* The last error is this thread's, readable after the fact. */
    st = yibao_last_error(NULL, 0, &needed);
    CHECK(st == YIBAO_STATUS_BUFFER_TOO_SMALL && yibao_last_error_status() == YIBAO_STATUS_INVALID_CLAIM, "last error kept");
    st = yibao_last_error((uint8_t *)big, sizeof big, &needed);
    CHECK(st == YIBAO_STATUS_OK && strstr(big, "INVALID_CLAIM"), "last error JSON: %s", big);

    /* GBK in, GB18030 out: 住院 is D7 A1 D4 BA. */
    {
        char gbk[2048];
        const char *a = strstr(CLAIM, "\"M1\"");
        size_t pre = (size_t)(a - CLAIM);
        memcpy(gbk, CLAIM, pre);
        memcpy(gbk + pre, "\"\xD7\xA1\xD4\xBA" "1\"", 7);
        strcpy(gbk + pre + 7, a + 4);
        st = yibao_settle_gbk(e, u8(gbk), strlen(gbk), &out, NULL);
        CHECK(st == YIBAO_STATUS_OK && out && strstr(out, "\"\xD7\xA1\xD4\xBA" "1\""), "GBK visit ID comes back in GB18030");
        yibao_free_string(out);
        out = NULL;
        /* An error quoting a Chinese value comes back in GB18030 too (三级 is
           C8 FD BC B6), and the last error keeps it in UTF-8 (E4 B8 89 E7 BA A7). */
        {
            const char *lv = strstr(CLAIM, "\"hosp_lv\":\"");
            size_t at = (size_t)(lv - CLAIM) + strlen("\"hosp_lv\":\"");
            memcpy(gbk, CLAIM, at);
            memcpy(gbk + at, "\xC8\xFD\xBC\xB6", 4);
            strcpy(gbk + at + 4, CLAIM + at + 1);
        }
        st = yibao_settle_gbk(e, u8(gbk), strlen(gbk), &out, NULL);
        CHECK(st == YIBAO_STATUS_UNKNOWN_CODE && out && strstr(out, "\xC8\xFD\xBC\xB6") && strstr(out, "hosp_lv"),
              "GBK error in GB18030: %s", out ? out : "(null)");
        yibao_free_string(out);
        out = NULL;
        st = yibao_last_error((uint8_t *)big, sizeof big, &needed);
        CHECK(st == YIBAO_STATUS_OK && strstr(big, "\xE4\xB8\x89\xE7\xBA\xA7"), "last error in UTF-8: %s", big);
        st = yibao_settle_gbk(e, u8("{\"a\":\"\x81\x20\"}"), 10, &out, NULL);
        CHECK(st == YIBAO_STATUS_INVALID_GBK && out && strstr(out, "byte"), "invalid GBK");
        yibao_free_string(out);
        out = NULL;
    }

    /* Reverse through the ABI. */
    yibao_settle(e, u8(CLAIM), strlen(CLAIM), &owned, NULL);
    st = yibao_reverse(e, u8(owned), strlen(owned), NULL, 0, &out, NULL);
    CHECK(st == YIBAO_STATUS_OK && strstr(out, "\"status\":\"reversed\"") && strstr(out, "\"hifp_pay\":\"-4625.00\""), "reverse");
    yibao_free_string(out);
    out = NULL;
    /* Against the member's current accumulators and balance, through the call
       every binding makes: the balance of now gets back what the account paid
       (nothing here). */
    {
        size_t cap = strlen(owned) + 64;
        char *req = (char *)malloc(cap);
        if (req) {
            snprintf(req, cap, "{\"settlement\":%s,\"balc\":\"100.5\"}", owned);
            st = yibao_call(e, u8("reverse"), 7, u8(req), strlen(req), &out, NULL);
            CHECK(st == YIBAO_STATUS_OK && strstr(out, "\"status\":\"reversed\"") && strstr(out, "\"balc\":\"100.50\""),
                  "reverse at the balance of now: %s", out ? out : "");
            yibao_free_string(out);
            out = NULL;
            free(req);
        }
    }
    yibao_free_string(owned);

    /* Policies. */
    st = yibao_policies(&out, &n);
    CHECK(st == YIBAO_STATUS_OK && strstr(out, "cn-xj-tiemenguan-2025") && strstr(out, "special_cap"), "policies");
    yibao_free_string(out);
    out = NULL;
    /* The loaded policy: what it still needs, whatever the input. */
    st = yibao_call(e, u8("policy"), 6, u8("{}"), 2, &out, NULL);
    CHECK(st == YIBAO_STATUS_OK && strstr(out, "\"id\":\"cn-sx-taiyuan-resident-2010\"")
              && strstr(out, "\"name\":\"chronic_q_deductible\"") && strstr(out, "\"warnings\":[]"),
          "policy: %s", out ? out : "");
    yibao_free_string(out);
    out = NULL;

    /* A panic never crosses the boundary, and the library keeps working. */
    CHECK(yibao_selftest_panic() == YIBAO_STATUS_PANIC, "panic caught");
    CHECK(yibao_settle_into(e, u8(CLAIM), strlen(CLAIM), (uint8_t *)big, sizeof big, &n) == YIBAO_STATUS_OK, "works after a panic");

    /* Handles: forged, freed, freed twice. */
    bad = (yibao_engine *)(void *)small;
    CHECK(yibao_settle(bad, u8(CLAIM), strlen(CLAIM), &out, NULL) == YIBAO_STATUS_INVALID_HANDLE, "forged handle");
    yibao_free_string(out);
    out = NULL;
    CHECK(yibao_engine_free(NULL) == YIBAO_STATUS_OK, "free NULL");
    CHECK(yibao_engine_free(e) == YIBAO_STATUS_OK, "free");
    CHECK(yibao_engine_free(e) == YIBAO_STATUS_INVALID_HANDLE, "double free reported");
    CHECK(yibao_settle(e, u8(CLAIM), strlen(CLAIM), &out, NULL) == YIBAO_STATUS_INVALID_HANDLE, "use after free reported");
    yibao_free_string(out);
    yibao_free_string(NULL);
}

int main(int argc, char **argv) {
    int i;
    root = argc > 1 ? argv[1] : ".";
    buffers_and_errors();
    conformance();
    threads();
    for (i = 0; i < ncases; i++) {
        CHECK(cases[i].engine == NULL || yibao_engine_free(cases[i].engine) == YIBAO_STATUS_OK, "free %s", cases[i].name);
        yibao_free_string(cases[i].result);
        free(cases[i].policy);
        free(cases[i].op);
        free(cases[i].claim);
    }
    printf("c-abi: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
