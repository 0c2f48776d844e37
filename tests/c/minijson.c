#include "minijson.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *p; } cur;

static void ws(cur *c) { while (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t') c->p++; }
static int value(cur *c, mj_value *v);

static int string_end(cur *c) {
    if (*c->p != '"') return -1;
    c->p++;
    while (*c->p && *c->p != '"') {
        if (*c->p == '\\') { c->p++; if (!*c->p) return -1; }
        c->p++;
    }
    if (*c->p != '"') return -1;
    c->p++;
    return 0;
}

static int push(mj_value *v, mj_value *item, char *key) {
    mj_value *ni = realloc(v->items, (v->count + 1) * sizeof *ni);
    if (!ni) return -1;
    v->items = ni;
    v->items[v->count] = *item;
    if (v->kind == MJ_OBJ) {
        char **nk = realloc(v->keys, (v->count + 1) * sizeof *nk);
        if (!nk) return -1;
        v->keys = nk;
        v->keys[v->count] = key;
    }
    v->count++;
    return 0;
}

static int value(cur *c, mj_value *v) {
    memset(v, 0, sizeof *v);
    ws(c);
    v->start = c->p;
    if (*c->p == '{' || *c->p == '[') {
        int obj = *c->p == '{';
        char close = obj ? '}' : ']';
        v->kind = obj ? MJ_OBJ : MJ_ARR;
        c->p++;
        ws(c);
        if (*c->p == close) { c->p++; v->len = (size_t)(c->p - v->start); return 0; }
        for (;;) {
            char *key = NULL;
            mj_value item;
            ws(c);
            if (obj) {
                const char *ks = c->p;
                size_t kl;
                if (string_end(c)) return -1;
                kl = (size_t)(c->p - ks) - 2;
                key = malloc(kl + 1);
                if (!key) return -1;
                memcpy(key, ks + 1, kl);
                key[kl] = 0;
                ws(c);
                if (*c->p != ':') { free(key); return -1; }
                c->p++;
            }
            if (value(c, &item)) { free(key); mj_free(&item); return -1; }
            if (push(v, &item, key)) return -1;
            ws(c);
            if (*c->p == ',') { c->p++; continue; }
            if (*c->p == close) { c->p++; break; }
            return -1;
        }
    } else if (*c->p == '"') {
        v->kind = MJ_STR;
        if (string_end(c)) return -1;
    } else if (!strncmp(c->p, "true", 4) || !strncmp(c->p, "false", 5)) {
        v->kind = MJ_BOOL;
        c->p += (*c->p == 't') ? 4 : 5;
    } else if (!strncmp(c->p, "null", 4)) {
        v->kind = MJ_NULL;
        c->p += 4;
    } else {
        v->kind = MJ_NUM;
        while (*c->p && strchr("+-0123456789.eE", *c->p)) c->p++;
        if (c->p == v->start) return -1;
    }
    v->len = (size_t)(c->p - v->start);
    return 0;
}

int mj_parse(const char *text, mj_value *out) {
    cur c;
    c.p = text;
    if (value(&c, out)) return -1;
    ws(&c);
    return *c.p ? -1 : 0;
}

void mj_free(mj_value *v) {
    size_t i;
    for (i = 0; i < v->count; i++) {
        mj_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

const mj_value *mj_get(const mj_value *obj, const char *key) {
    size_t i;
    if (!obj || obj->kind != MJ_OBJ) return NULL;
    for (i = 0; i < obj->count; i++)
        if (!strcmp(obj->keys[i], key)) return &obj->items[i];
    return NULL;
}

char *mj_text(const mj_value *v) {
    char *s = malloc(v->len + 1);
    if (!s) return NULL;
    memcpy(s, v->start, v->len);
    s[v->len] = 0;
    return s;
}

int mj_subset(const mj_value *e, const mj_value *a, char *why, size_t why_len, const char *path) {
    size_t i;
    char sub[512];
    if (e->kind == MJ_OBJ && a->kind == MJ_OBJ) {
        for (i = 0; i < e->count; i++) {
            const mj_value *av = mj_get(a, e->keys[i]);
            snprintf(sub, sizeof sub, "%s.%s", path, e->keys[i]);
            if (!av) { snprintf(why, why_len, "%s: missing", sub); return -1; }
            if (mj_subset(&e->items[i], av, why, why_len, sub)) return -1;
        }
        return 0;
    }
    if (e->kind == MJ_ARR && a->kind == MJ_ARR) {
        if (e->count != a->count) {
            snprintf(why, why_len, "%s: %lu elements, expected %lu", path, (unsigned long)a->count, (unsigned long)e->count);
            return -1;
        }
        for (i = 0; i < e->count; i++) {
            snprintf(sub, sizeof sub, "%s[%lu]", path, (unsigned long)i);
            if (mj_subset(&e->items[i], &a->items[i], why, why_len, sub)) return -1;
        }
        return 0;
    }
    if (e->kind == a->kind && e->len == a->len && !memcmp(e->start, a->start, e->len)) return 0;
    snprintf(why, why_len, "%s: got %.*s, expected %.*s", path, (int)(a->len > 80 ? 80 : a->len), a->start,
             (int)(e->len > 80 ? 80 : e->len), e->start);
    return -1;
}
