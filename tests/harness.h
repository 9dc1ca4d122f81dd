/*
** harness.h -- a minimal table-driven test harness.
**
** Each tests/<area>/test_<concept>.c is its own program: it runs its cases
** with the CHECK macros and ends main() with `return harness_finish();`,
** which prints "<program>: N passed, N failed".  tests/run.sh runs them all.
**
** Reference values come from golden files written by R scripts committed
** beside them.  A golden file is plain text, one entry per line:
**     key v1 v2 v3 ...
** where values are numbers, NA (stored as NaN), Inf or -Inf.  Lines starting
** with '#' are comments.
*/
#ifndef ONC_TEST_HARNESS_H
#define ONC_TEST_HARNESS_H

#include <stddef.h>

void harness_check(int ok, const char *expr, const char *file, int line);
/* |a - b| <= tol * max(1, |b|) ... relative for |b| > 1, absolute below.
** NaN equals NaN, +Inf equals +Inf. */
void harness_close(double a, double b, double tol, const char *expr,
                   const char *file, int line);
/* Purely relative: |a - b| <= tol * |b| (b == 0 requires |a| <= tol). */
void harness_rel(double a, double b, double tol, const char *expr,
                 const char *file, int line);
void harness_str(const char *a, const char *b, const char *expr,
                 const char *file, int line);
int harness_finish(void);
void harness_set_name(const char *name);

#define CHECK(c) harness_check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_CLOSE(a, b, tol) harness_close((a), (b), (tol), #a " ~ " #b, __FILE__, __LINE__)
#define CHECK_REL(a, b, tol) harness_rel((a), (b), (tol), #a " ~ " #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) harness_str((a), (b), #a " == " #b, __FILE__, __LINE__)

typedef struct golden golden;
/* Load a golden file; aborts the test program with a message if absent. */
golden *golden_load(const char *path);
/* Values for key; *n receives the count.  Missing key: reports a failure
** and returns NULL with *n = 0. */
const double *golden_get(golden *g, const char *key, size_t *n);
/* Does the key exist? */
int golden_has(golden *g, const char *key);
void golden_free(golden *g);

#endif
