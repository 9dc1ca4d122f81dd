/*
** cholesky.c -- Cholesky factorisation with a relative pivot test, shared by
** logistic.c and multinom.c (see cholesky.h for why it is not GSL's).
**
** Method: the column-oriented (left-looking) algorithm, Golub & Van Loan,
** Matrix Computations (4th ed.), algorithm 4.2.1.  The pivot of column j,
** d_j = A_jj - sum_{c<j} L_jc^2, is the squared residual norm of column j
** after projection on the earlier kept columns in the metric of A, so
** d_j / A_jj is the share of column j that the earlier ones do not explain:
** the natural test both for aliasing and for lost digits.
*/
#include <math.h>

#include "stats/cholesky.h"

#define KEPT(keep, i) ((keep) == NULL || (keep)[i])

int onc_cholesky_factor(double *a, size_t m, int *keep, double rel_tol,
                        int drop)
{
    size_t i, j, c;

    for (j = 0; j < m; j++) {
        double orig, d;

        if (!KEPT(keep, j))
            continue;
        orig = a[j * m + j];
        d = orig;
        for (c = 0; c < j; c++)
            if (KEPT(keep, c))
                d -= a[c * m + j] * a[c * m + j];
        if (!(d > rel_tol * orig) || !(orig > 0.0)) {
            if (!drop || keep == NULL)
                return -1;
            keep[j] = 0;
            continue;
        }
        d = sqrt(d);
        a[j * m + j] = d;
        for (i = j + 1; i < m; i++) {
            double s;

            if (!KEPT(keep, i))
                continue;
            s = a[j * m + i];
            for (c = 0; c < j; c++)
                if (KEPT(keep, c))
                    s -= a[c * m + i] * a[c * m + j];
            a[j * m + i] = s / d;
        }
    }
    return 0;
}

void onc_cholesky_forward(const double *l, size_t m, const int *keep,
                          double *v)
{
    size_t i, c;

    for (i = 0; i < m; i++) {
        double s;

        if (!KEPT(keep, i)) {
            v[i] = 0.0;
            continue;
        }
        s = v[i];
        for (c = 0; c < i; c++)
            if (KEPT(keep, c))
                s -= l[c * m + i] * v[c];
        v[i] = s / l[i * m + i];
    }
}

void onc_cholesky_solve(const double *l, size_t m, const int *keep,
                        double *v)
{
    size_t i, c;

    onc_cholesky_forward(l, m, keep, v);
    for (i = m; i-- > 0;) {
        double s;

        if (!KEPT(keep, i))
            continue;
        s = v[i];
        for (c = i + 1; c < m; c++)
            if (KEPT(keep, c))
                s -= l[i * m + c] * v[c];
        v[i] = s / l[i * m + i];
    }
}
