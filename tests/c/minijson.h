/* minijson: a small JSON reader for the test harness (C99). It keeps each
 * value's raw text span, so a value can be passed on unchanged and scalars
 * compared by their exact text. Not a general-purpose parser. */
#ifndef MINIJSON_H
#define MINIJSON_H
#include <stddef.h>

typedef enum { MJ_NULL, MJ_BOOL, MJ_NUM, MJ_STR, MJ_ARR, MJ_OBJ } mj_kind;

typedef struct mj_value {
    mj_kind kind;
    const char *start; /* raw text of the value in the source */
    size_t len;
    struct mj_value *items; /* array elements or object values */
    char **keys;            /* object keys (decoded, NUL-terminated; escapes kept verbatim) */
    size_t count;
} mj_value;

/* Parses `text` (NUL-terminated). Returns 0 on success. */
int mj_parse(const char *text, mj_value *out);
void mj_free(mj_value *v);
/* The member `key` of an object, or NULL. */
const mj_value *mj_get(const mj_value *obj, const char *key);
/* Copies the raw text of a value into a new NUL-terminated string (caller frees). */
char *mj_text(const mj_value *v);
/* Returns 0 when every key of `expected` is in `actual` with an equal value
 * (objects recursively, arrays element by element and of the same length,
 * scalars by exact text). Writes a description of the first mismatch into `why`. */
int mj_subset(const mj_value *expected, const mj_value *actual, char *why, size_t why_len, const char *path);
#endif
