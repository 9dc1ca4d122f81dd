/*
** stats/cholesky.h -- Cholesky factorisation of small dense symmetric
** matrices with a pivot test (internal to the library).
**
** Logistic and multinomial regression factorise cross-product and
** information matrices of at most a few thousand rows and columns, and need
** more than a yes/no answer from the factorisation: a pivot that keeps less
** than a chosen share of its diagonal element must either stop the
** factorisation (so the caller can fall back to a stabler method) or drop
** that column as aliased and go on with the others.
**
** Why not GSL's gsl_linalg_cholesky_decomp1 or gsl_linalg_ldlt_decomp: they
** report a pivot that is not positive (an exactly aliased column, a
** separated fit) through gsl_error(), whose default handler calls abort().
** Switching the handler off is a process-wide setting: it would change the
** behaviour of the application that embeds the library and race with the
** bootstrap's worker threads, which fit models concurrently.
**
** Storage: the lower triangle of an m x m column-major array,
** a[j * m + i] for i >= j; the factor L overwrites it.  The strict upper
** triangle is neither read nor written.
**
** Use:
**     if (onc_cholesky_factor(a, m, NULL, 1e-4, 0) != 0) -> fall back
**     onc_cholesky_solve(a, m, NULL, b);          b <- A^{-1} b
*/
#ifndef ONC_STATS_CHOLESKY_H
#define ONC_STATS_CHOLESKY_H

#include <stddef.h>

/*
** Factorise A = L L' over the indices i with keep[i] set (all indices when
** keep is NULL).  The pivot of index j must exceed rel_tol times the
** original diagonal element A_jj (which must be positive); with rel_tol = 0
** any positive pivot is accepted.  When a pivot fails: with drop set (keep
** required) keep[j] is cleared and the factorisation continues without j;
** otherwise -1 is returned at once and `a` is left partly factorised.
** Returns 0 on success.  NaN pivots fail.
*/
int onc_cholesky_factor(double *a, size_t m, int *keep, double rel_tol,
                        int drop);

/* Solve L u = v in place over the kept indices; v[i] = 0 elsewhere. */
void onc_cholesky_forward(const double *l, size_t m, const int *keep,
                          double *v);

/* Solve L L' x = v in place over the kept indices; x[i] = 0 elsewhere. */
void onc_cholesky_solve(const double *l, size_t m, const int *keep,
                        double *v);

#endif
