/*
** table1.c -- baseline characteristics by arm ("Table 1").
**
** Method.  For each variable and each arm (and all arms together):
**   numbers: n, missing, median with quartiles (R quantile() type 7, the
**     default of R and of gtsummary's "{median} ({p25}, {p75})" when type 7 is
**     asked), mean and SD (n - 1 denominator), minimum and maximum;
**   factors, logicals and numbers summarised as categories: n per level; the
**     percentages are of the patients of the arm with a known value, and the
**     missing are counted on their own line, as gtsummary and tableone do.
** Comparison across arms:
**   categories: Pearson's chi-square test without continuity correction
**     (R chisq.test(correct = FALSE)), or Fisher's exact test (R fisher.test)
**     when an expected count is below 5 -- gtsummary's rule;
**   median (IQR): Wilcoxon rank-sum test with two arms (R wilcox.test: exact
**     when both arms have fewer than 50 values and there are no ties,
**     otherwise the normal approximation with continuity and tie
**     correction), Kruskal-Wallis with more (R kruskal.test);
**   mean (SD): Welch's t-test with two arms (R t.test), one-way ANOVA with
**     more (R oneway.test(var.equal = TRUE), the F test of aov);
**   standardised mean differences: |mean_a - mean_b| / sqrt((var_a +
**     var_b) / 2) for numbers; for categories the multinomial form of Yang
**     and Dalton (SAS Global Forum 2012, paper 335): sqrt(T' S^-1 T) with T
**     the differences of the level proportions (first level left out) and S
**     the mean of the two arms' multinomial covariance matrices.  With more
**     than two arms the mean over all pairs is reported, as R tableone does.
** Inputs: df, arm codes (negative = not in the table), the variables.
** NaN policy: missing values are counted and left out of every statistic.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "oncostat/report.h"
#include "oncostat/rates.h"
#include "oncostat/render.h"
#include "oncostat/expr.h"
#include "core/internal.h"
#include "report/report_internal.h"

/* Numbers summarised as categories may have at most this many values. */
#define TABLE1_MAX_NUMERIC_LEVELS 20
/* Exact Wilcoxon distribution below this many values per arm (R's rule). */
#define TABLE1_WILCOX_EXACT_N 50

const char *onc_table1_test_name(onc_table1_test test)
{
    switch (test) {
    case ONC_TEST_NONE: return "none";
    case ONC_TEST_CHISQ: return "Pearson's chi-square test";
    case ONC_TEST_FISHER: return "Fisher's exact test";
    case ONC_TEST_WILCOXON: return "Wilcoxon rank-sum test";
    case ONC_TEST_KRUSKAL: return "Kruskal-Wallis test";
    case ONC_TEST_WELCH: return "Welch's t-test";
    case ONC_TEST_ANOVA: return "one-way analysis of variance";
    }
    return "";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* R quantile(x, p, type = 7) of sorted x[0..n-1]. */
static double quantile7(const double *x, size_t n, double p)
{
    double h, lo;
    size_t j;

    if (n == 0)
        return NAN;
    h = (double)(n - 1) * p;
    lo = floor(h);
    j = (size_t)lo;
    if (j + 1 >= n)
        return x[n - 1];
    return x[j] + (h - lo) * (x[j + 1] - x[j]);
}

/* ---- rank tests ---- */

typedef struct ranked {
    double value;
    int32_t group;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;

    return x->value < y->value ? -1 : x->value > y->value;
}

/* Midranks of v[0..n-1] (sorted by value) into rank; returns the tie
** correction sum of (t^3 - t). */
static double midranks(const ranked *v, size_t n, double *rank)
{
    size_t i = 0, j;
    double ties = 0;

    while (i < n) {
        double r;
        j = i;
        while (j + 1 < n && v[j + 1].value == v[i].value)
            j++;
        r = (double)(i + j + 2) / 2.0;
        for (size_t k = i; k <= j; k++)
            rank[k] = r;
        if (j > i) {
            double t = (double)(j - i + 1);
            ties += t * t * t - t;
        }
        i = j + 1;
    }
    return ties;
}

/*
** P(U <= u) for the Mann-Whitney statistic with sample sizes m and n and
** no ties (R pwilcox), by counting the subsets of size m of the ranks
** 1..m+n with each rank sum.
*/
static double pwilcox_lower(double u, size_t m, size_t n)
{
    size_t N = m + n, max_u = m * n, i, k, s;
    size_t min_sum = m * (m + 1) / 2, max_sum = min_sum + max_u;
    double *dp, total = 0, below = 0;

    if (u < 0)
        return 0;
    if (u >= (double)max_u)
        return 1;
    /* dp[k * (max_sum + 1) + s]: subsets of size k with rank sum s. */
    dp = onc_callocarray((m + 1) * (max_sum + 1), sizeof *dp);
    if (dp == NULL)
        return NAN;
    dp[0] = 1;
    for (i = 1; i <= N; i++) {
        size_t top = i < m ? i : m;
        for (k = top; k >= 1; k--) {
            double *row = dp + k * (max_sum + 1), *prev = dp + (k - 1) * (max_sum + 1);
            for (s = max_sum; s >= i; s--)
                row[s] += prev[s - i];
        }
    }
    for (s = min_sum; s <= max_sum; s++) {
        double c = dp[m * (max_sum + 1) + s];
        total += c;
        if ((double)(s - min_sum) <= u + 1e-9)
            below += c;
    }
    free(dp);
    return below / total;
}

/* Two-sided Wilcoxon rank-sum P as R wilcox.test(x, y) (two arms). */
static onc_status wilcoxon(const ranked *v, size_t n, size_t n1, double *stat, double *p)
{
    double *rank = onc_mallocarray(n, sizeof *rank);
    double sum1 = 0, ties, w, n2 = (double)(n - n1), m = (double)n1;
    size_t i;

    if (rank == NULL)
        return ONC_ERR_NOMEM;
    ties = midranks(v, n, rank);
    for (i = 0; i < n; i++)
        if (v[i].group == 0)
            sum1 += rank[i];
    free(rank);
    w = sum1 - m * (m + 1) / 2;
    *stat = w;
    if (n1 < TABLE1_WILCOX_EXACT_N && n - n1 < TABLE1_WILCOX_EXACT_N && ties == 0) {
        double pv;
        if (w > m * n2 / 2)
            pv = 1 - pwilcox_lower(w - 1, n1, n - n1);
        else
            pv = pwilcox_lower(w, n1, n - n1);
        *p = fmin(1, 2 * pv);
    } else {
        double z = w - m * n2 / 2, N = m + n2;
        double sigma = sqrt((m * n2 / 12) * ((N + 1) - ties / (N * (N - 1))));
        double corr = z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
        if (!(sigma > 0)) {
            *p = NAN;
            return ONC_OK;
        }
        z = (z - corr) / sigma;
        *p = 2 * fmin(gsl_cdf_ugaussian_P(z), gsl_cdf_ugaussian_Q(z));
    }
    return ONC_OK;
}

/* Kruskal-Wallis H with tie correction, as R kruskal.test. */
static onc_status kruskal(const ranked *v, size_t n, size_t k, double *stat, double *df, double *p)
{
    double *rank = onc_mallocarray(n, sizeof *rank);
    double *sum = onc_callocarray(k, sizeof *sum);
    size_t *cnt = onc_callocarray(k, sizeof *cnt);
    double ties, h = 0, N = (double)n;
    size_t i, groups = 0;

    if (rank == NULL || sum == NULL || cnt == NULL) {
        free(rank);
        free(sum);
        free(cnt);
        return ONC_ERR_NOMEM;
    }
    ties = midranks(v, n, rank);
    for (i = 0; i < n; i++) {
        sum[v[i].group] += rank[i];
        cnt[v[i].group]++;
    }
    for (i = 0; i < k; i++)
        if (cnt[i] > 0) {
            h += sum[i] * sum[i] / (double)cnt[i];
            groups++;
        }
    h = (12 * h / (N * (N + 1)) - 3 * (N + 1));
    h /= 1 - ties / (N * N * N - N);
    *stat = h;
    *df = (double)groups - 1;
    *p = groups > 1 && isfinite(h) ? gsl_cdf_chisq_Q(h, *df) : NAN;
    free(rank);
    free(sum);
    free(cnt);
    return ONC_OK;
}

/* ---- SMD ---- */

/* Multinomial SMD between arms a and b over n_levels level counts
** (counts[l * stride + arm]); levels 1.. are compared, level 0 left out. */
static double smd_categorical(const size_t *counts, size_t n_levels, size_t stride,
                              size_t a, size_t b, const size_t *n)
{
    size_t L = 0, l, i, j;
    double pa[TABLE1_MAX_NUMERIC_LEVELS * 8], pb[TABLE1_MAX_NUMERIC_LEVELS * 8];
    gsl_matrix *S = NULL;
    gsl_permutation *perm = NULL;
    gsl_vector *T = NULL, *x = NULL;
    double result = NAN, q = 0;
    int sign;

    if (n[a] == 0 || n[b] == 0 || n_levels < 2 || n_levels > TABLE1_MAX_NUMERIC_LEVELS * 8)
        return NAN;
    /* Levels absent from both arms carry no information and would make S
    ** singular; they are left out, as a generalised inverse would do. */
    for (l = 1; l < n_levels; l++) {
        double xa = (double)counts[l * stride + a] / (double)n[a];
        double xb = (double)counts[l * stride + b] / (double)n[b];
        if (xa + xb > 0) {
            pa[L] = xa;
            pb[L] = xb;
            L++;
        }
    }
    if (L == 0)
        return 0;
    S = gsl_matrix_alloc(L, L);
    T = gsl_vector_alloc(L);
    x = gsl_vector_alloc(L);
    perm = gsl_permutation_alloc(L);
    if (S == NULL || T == NULL || x == NULL || perm == NULL)
        goto done;
    for (i = 0; i < L; i++) {
        gsl_vector_set(T, i, pa[i] - pb[i]);
        for (j = 0; j < L; j++) {
            double sa = i == j ? pa[i] * (1 - pa[i]) : -pa[i] * pa[j];
            double sb = i == j ? pb[i] * (1 - pb[i]) : -pb[i] * pb[j];
            gsl_matrix_set(S, i, j, (sa + sb) / 2);
        }
    }
    {
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        int bad = gsl_linalg_LU_decomp(S, perm, &sign) != 0;
        for (i = 0; i < L && !bad; i++)
            if (fabs(gsl_matrix_get(S, i, i)) < 1e-12)
                bad = 1;
        if (!bad && gsl_linalg_LU_solve(S, perm, T, x) == 0) {
            for (i = 0; i < L; i++)
                q += gsl_vector_get(T, i) * gsl_vector_get(x, i);
            result = q >= 0 ? sqrt(q) : NAN;
        }
        gsl_set_error_handler(old);
    }
done:
    if (S != NULL)
        gsl_matrix_free(S);
    if (T != NULL)
        gsl_vector_free(T);
    if (x != NULL)
        gsl_vector_free(x);
    if (perm != NULL)
        gsl_permutation_free(perm);
    return result;
}

/* ---- one variable ---- */

static void row_free(onc_table1_row *r)
{
    size_t l;

    free(r->column);
    free(r->label);
    free(r->n);
    free(r->missing);
    free(r->median);
    free(r->q1);
    free(r->q3);
    free(r->mean);
    free(r->sd);
    free(r->min);
    free(r->max);
    for (l = 0; l < r->n_levels; l++)
        free(r->levels[l]);
    free(r->levels);
    free(r->counts);
}

/* A number as a level name: "2", "0.5". */
static void number_level(double v, char *buf, size_t cap)
{
    onc_format_double(v, buf, cap);
}

static onc_status summarise_numeric(onc_table1_row *r, const onc_column *col, const int32_t *arm,
                                    size_t n_rows, size_t n_arms, size_t n_groups)
{
    double *vals = onc_mallocarray(n_rows ? n_rows : 1, sizeof *vals);
    size_t g, i, m;

    if (vals == NULL)
        return ONC_ERR_NOMEM;
    for (g = 0; g < n_groups; g++) {
        double sum = 0, ss = 0, mean;
        m = 0;
        for (i = 0; i < n_rows; i++) {
            if (arm[i] < 0 || (g < n_arms && (size_t)arm[i] != g))
                continue;
            if (isnan(col->num[i]))
                r->missing[g]++;
            else
                vals[m++] = col->num[i];
        }
        r->n[g] = m;
        qsort(vals, m, sizeof *vals, cmp_double);
        for (i = 0; i < m; i++)
            sum += vals[i];
        mean = m ? sum / (double)m : NAN;
        for (i = 0; i < m; i++)
            ss += (vals[i] - mean) * (vals[i] - mean);
        r->mean[g] = mean;
        r->sd[g] = m > 1 ? sqrt(ss / (double)(m - 1)) : NAN;
        r->median[g] = quantile7(vals, m, 0.5);
        r->q1[g] = quantile7(vals, m, 0.25);
        r->q3[g] = quantile7(vals, m, 0.75);
        r->min[g] = m ? vals[0] : NAN;
        r->max[g] = m ? vals[m - 1] : NAN;
    }
    free(vals);
    return ONC_OK;
}

static onc_status test_numeric(onc_table1_row *r, const onc_column *col, const int32_t *arm,
                               size_t n_rows, size_t n_arms)
{
    ranked *v = NULL;
    size_t i, m = 0, k, with_data = 0;
    int32_t *map = onc_mallocarray(n_arms, sizeof *map);
    onc_status st = ONC_OK;

    if (map == NULL)
        return ONC_ERR_NOMEM;
    /* Arms without any value take no part, as R drops empty groups. */
    for (k = 0; k < n_arms; k++)
        map[k] = r->n[k] > 0 ? (int32_t)with_data++ : -1;
    if (with_data < 2) {
        free(map);
        return ONC_OK;
    }
    v = onc_mallocarray(n_rows ? n_rows : 1, sizeof *v);
    if (v == NULL) {
        free(map);
        return ONC_ERR_NOMEM;
    }
    for (i = 0; i < n_rows; i++) {
        if (arm[i] < 0 || isnan(col->num[i]))
            continue;
        v[m].value = col->num[i];
        v[m].group = map[arm[i]];
        m++;
    }
    if (r->summary == ONC_TABLE1_MEAN_SD) {
        if (with_data == 2) {
            size_t a = 0, b;
            double va, vb, se2, t, df;
            while (map[a] != 0)
                a++;
            b = a + 1;
            while (map[b] != 1)
                b++;
            va = r->sd[a] * r->sd[a] / (double)r->n[a];
            vb = r->sd[b] * r->sd[b] / (double)r->n[b];
            se2 = va + vb;
            r->test = ONC_TEST_WELCH;
            if (r->n[a] > 1 && r->n[b] > 1 && se2 > 0) {
                t = (r->mean[a] - r->mean[b]) / sqrt(se2);
                df = se2 * se2 / (va * va / (double)(r->n[a] - 1) + vb * vb / (double)(r->n[b] - 1));
                r->statistic = t;
                r->df = df;
                r->p_value = 2 * gsl_cdf_tdist_Q(fabs(t), df);
            }
        } else {
            double grand = 0, between = 0, within = 0, F;
            size_t N = 0;
            for (k = 0; k < n_arms; k++) {
                if (map[k] < 0)
                    continue;
                grand += r->mean[k] * (double)r->n[k];
                N += r->n[k];
            }
            grand /= (double)N;
            for (k = 0; k < n_arms; k++) {
                if (map[k] < 0)
                    continue;
                between += (double)r->n[k] * (r->mean[k] - grand) * (r->mean[k] - grand);
                if (r->n[k] > 1)
                    within += r->sd[k] * r->sd[k] * (double)(r->n[k] - 1);
            }
            r->test = ONC_TEST_ANOVA;
            if (N > with_data && within > 0) {
                double df1 = (double)with_data - 1, df2 = (double)(N - with_data);
                F = (between / df1) / (within / df2);
                r->statistic = F;
                r->df = df1;
                r->p_value = gsl_cdf_fdist_Q(F, df1, df2);
            }
        }
    } else {
        qsort(v, m, sizeof *v, cmp_ranked);
        if (with_data == 2) {
            size_t n1 = 0;
            for (i = 0; i < m; i++)
                n1 += v[i].group == 0;
            r->test = ONC_TEST_WILCOXON;
            st = wilcoxon(v, m, n1, &r->statistic, &r->p_value);
            r->df = NAN;
        } else {
            r->test = ONC_TEST_KRUSKAL;
            st = kruskal(v, m, with_data, &r->statistic, &r->df, &r->p_value);
        }
    }
    free(v);
    free(map);
    return st;
}

static onc_status test_categorical(onc_table1_row *r, size_t n_arms)
{
    size_t stride = n_arms + 1, l, k, nr = 0, nc = 0;
    size_t *tab = NULL;
    int *keep_arm = onc_callocarray(n_arms, sizeof *keep_arm);
    onc_chisq_result chi;
    onc_error e;
    onc_status st;

    if (keep_arm == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < n_arms; k++)
        if (r->n[k] > 0) {
            keep_arm[k] = 1;
            nc++;
        }
    for (l = 0; l < r->n_levels; l++)
        if (r->counts[l * stride + n_arms] > 0)
            nr++;
    if (nc < 2 || nr < 2) {
        free(keep_arm);
        return ONC_OK;
    }
    tab = onc_mallocarray(nr * nc, sizeof *tab);
    if (tab == NULL) {
        free(keep_arm);
        return ONC_ERR_NOMEM;
    }
    nr = 0;
    for (l = 0; l < r->n_levels; l++) {
        size_t c = 0;
        if (r->counts[l * stride + n_arms] == 0)
            continue;
        for (k = 0; k < n_arms; k++)
            if (keep_arm[k])
                tab[nr * nc + c++] = r->counts[l * stride + k];
        nr++;
    }
    st = onc_contingency_chisq(tab, nr, nc, 0, &chi, &e);
    if (st == ONC_OK) {
        if (chi.min_expected < 5) {
            onc_fisher_result fr;
            st = onc_contingency_fisher(tab, nr, nc, NULL, &fr, &e);
            if (st == ONC_OK) {
                r->test = ONC_TEST_FISHER;
                r->p_value = fr.p_value;
                r->statistic = NAN;
                r->df = NAN;
            } else if (st == ONC_ERR_LIMIT) {
                /* A table too large to enumerate keeps the chi-square P. */
                st = ONC_OK;
                r->test = ONC_TEST_CHISQ;
                r->statistic = chi.statistic;
                r->df = chi.df;
                r->p_value = chi.p_value;
            }
        } else {
            r->test = ONC_TEST_CHISQ;
            r->statistic = chi.statistic;
            r->df = chi.df;
            r->p_value = chi.p_value;
        }
    }
    free(tab);
    free(keep_arm);
    return st == ONC_ERR_NOMEM ? st : ONC_OK;
}

static double smd_numeric_pair(const onc_table1_row *r, size_t a, size_t b)
{
    double va = r->sd[a] * r->sd[a], vb = r->sd[b] * r->sd[b], den = sqrt((va + vb) / 2);

    if (!(den > 0) || !isfinite(r->mean[a]) || !isfinite(r->mean[b]))
        return NAN;
    return fabs(r->mean[a] - r->mean[b]) / den;
}

static void compute_smd(onc_table1_row *r, size_t n_arms)
{
    double total = 0;
    size_t a, b, pairs = 0;

    for (a = 0; a < n_arms; a++)
        for (b = a + 1; b < n_arms; b++) {
            double s;
            if (r->summary == ONC_TABLE1_COUNT) {
                if (r->binary) {
                    /* Logicals: levels FALSE (left out) and TRUE. */
                    size_t cnt[4], stride = 2, nn[2];
                    cnt[0] = r->n[a] - r->counts[a];
                    cnt[1] = r->n[b] - r->counts[b];
                    cnt[2] = r->counts[a];
                    cnt[3] = r->counts[b];
                    nn[0] = r->n[a];
                    nn[1] = r->n[b];
                    s = smd_categorical(cnt, 2, stride, 0, 1, nn);
                } else {
                    s = smd_categorical(r->counts, r->n_levels, n_arms + 1, a, b, r->n);
                }
            } else {
                s = smd_numeric_pair(r, a, b);
            }
            if (isnan(s)) {
                r->smd = NAN;
                return;
            }
            total += s;
            pairs++;
        }
    r->smd = pairs ? total / (double)pairs : NAN;
}

static onc_status summarise_categorical(onc_table1_row *r, const onc_column *col, const int32_t *arm,
                                        size_t n_rows, size_t n_arms)
{
    size_t stride = n_arms + 1, i, l, n_src, kept = 0;
    double *values = NULL;
    size_t *counts = NULL;
    char buf[64];
    long *code = NULL;

    if (col->type == ONC_COL_FACTOR) {
        n_src = col->n_levels;
    } else if (col->type == ONC_COL_LOGICAL) {
        n_src = 2;
    } else {
        /* Numbers as categories: their distinct values, sorted. */
        size_t m = 0;
        values = onc_mallocarray(n_rows ? n_rows : 1, sizeof *values);
        if (values == NULL)
            return ONC_ERR_NOMEM;
        for (i = 0; i < n_rows; i++)
            if (arm[i] >= 0 && !isnan(col->num[i]))
                values[m++] = col->num[i];
        qsort(values, m, sizeof *values, cmp_double);
        n_src = 0;
        for (i = 0; i < m; i++)
            if (i == 0 || values[i] != values[i - 1])
                values[n_src++] = values[i];
        if (n_src > TABLE1_MAX_NUMERIC_LEVELS) {
            free(values);
            return ONC_ERR_LIMIT;
        }
    }
    counts = onc_callocarray((n_src ? n_src : 1) * stride, sizeof *counts);
    code = onc_mallocarray(n_rows ? n_rows : 1, sizeof *code);
    if (counts == NULL || code == NULL) {
        free(values);
        free(counts);
        free(code);
        return ONC_ERR_NOMEM;
    }
    for (i = 0; i < n_rows; i++) {
        code[i] = -1;
        if (arm[i] < 0)
            continue;
        if (onc_column_is_missing(col, i)) {
            r->missing[arm[i]]++;
            r->missing[n_arms]++;
            continue;
        }
        if (col->type == ONC_COL_FACTOR) {
            code[i] = col->code[i];
        } else if (col->type == ONC_COL_LOGICAL) {
            code[i] = col->num[i] != 0;
        } else {
            size_t lo = 0, hi = n_src;
            while (lo + 1 < hi) {
                size_t mid = (lo + hi) / 2;
                if (values[mid] <= col->num[i])
                    lo = mid;
                else
                    hi = mid;
            }
            code[i] = (long)lo;
        }
        counts[(size_t)code[i] * stride + (size_t)arm[i]]++;
        counts[(size_t)code[i] * stride + n_arms]++;
        r->n[arm[i]]++;
        r->n[n_arms]++;
    }
    free(code);
    if (col->type == ONC_COL_LOGICAL) {
        /* One line: the patients with TRUE. */
        r->binary = 1;
        r->n_levels = 2;
        r->levels = onc_callocarray(2, sizeof *r->levels);
        if (r->levels == NULL) {
            free(counts);
            return ONC_ERR_NOMEM;
        }
        r->levels[0] = onc_strdup("FALSE");
        r->levels[1] = onc_strdup("TRUE");
        r->counts = counts;
        if (r->levels[0] == NULL || r->levels[1] == NULL)
            return ONC_ERR_NOMEM;
        return ONC_OK;
    }
    /* Levels nobody in the table has are not shown. */
    r->levels = onc_callocarray(n_src ? n_src : 1, sizeof *r->levels);
    r->counts = onc_callocarray((n_src ? n_src : 1) * stride, sizeof *r->counts);
    if (r->levels == NULL || r->counts == NULL) {
        free(values);
        free(counts);
        return ONC_ERR_NOMEM;
    }
    for (l = 0; l < n_src; l++) {
        if (counts[l * stride + n_arms] == 0)
            continue;
        if (col->type == ONC_COL_FACTOR) {
            r->levels[kept] = onc_strdup(col->levels[l]);
        } else {
            number_level(values[l], buf, sizeof buf);
            r->levels[kept] = onc_strdup(buf);
        }
        if (r->levels[kept] == NULL) {
            r->n_levels = kept;
            free(values);
            free(counts);
            return ONC_ERR_NOMEM;
        }
        memcpy(r->counts + kept * stride, counts + l * stride, stride * sizeof *counts);
        kept++;
    }
    r->n_levels = kept;
    free(values);
    free(counts);
    return ONC_OK;
}

static onc_status missing_column(const onc_frame *df, const char *name, onc_error *err)
{
    const char **names = onc_mallocarray(df->n_cols ? df->n_cols : 1, sizeof *names);
    const char *near;
    size_t k;
    onc_status st;

    if (names == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < df->n_cols; k++)
        names[k] = df->cols[k].name;
    near = report_closest(name, names, df->n_cols);
    if (near != NULL)
        st = onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, NULL,
                           "no column '%s' (did you mean '%s'?)", name, near);
    else
        st = onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, NULL, "no column '%s'", name);
    free(names);
    return st;
}

onc_status onc_table1_compute(const onc_frame *df, const int32_t *arm, size_t n_arms,
                              const char *const *arm_labels,
                              const onc_table1_variable *vars, size_t n_vars,
                              onc_table1 **out, onc_error *err)
{
    onc_table1 *t = NULL;
    size_t v, k, i, n_groups = n_arms + 1;
    onc_status st = ONC_OK;

    *out = NULL;
    onc_error_clear(err);
    if (n_arms == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "Table 1 needs at least one arm");
    t = calloc(1, sizeof *t);
    if (t == NULL)
        return ONC_ERR_NOMEM;
    t->n_arms = n_arms;
    t->arms = onc_callocarray(n_arms, sizeof *t->arms);
    t->arm_n = onc_callocarray(n_groups, sizeof *t->arm_n);
    t->rows = onc_callocarray(n_vars ? n_vars : 1, sizeof *t->rows);
    if (t->arms == NULL || t->arm_n == NULL || t->rows == NULL) {
        st = ONC_ERR_NOMEM;
        goto fail;
    }
    for (k = 0; k < n_arms; k++) {
        t->arms[k] = onc_strdup(arm_labels ? arm_labels[k] : "");
        if (t->arms[k] == NULL) {
            st = ONC_ERR_NOMEM;
            goto fail;
        }
    }
    for (i = 0; i < df->n_rows; i++)
        if (arm[i] >= 0 && (size_t)arm[i] < n_arms) {
            t->arm_n[arm[i]]++;
            t->arm_n[n_arms]++;
        } else if (arm[i] >= 0) {
            st = onc_error_set(err, ONC_ERR_USAGE, NULL, i + 1, 0, NULL,
                               "arm code %d is out of range", (int)arm[i]);
            goto fail;
        }
    for (v = 0; v < n_vars; v++) {
        onc_table1_row *r = &t->rows[v];
        long c = onc_frame_find(df, vars[v].column);
        const onc_column *col;

        t->n_rows = v + 1;
        r->statistic = r->df = r->p_value = r->smd = NAN;
        if (c < 0) {
            st = missing_column(df, vars[v].column, err);
            goto fail;
        }
        col = &df->cols[c];
        r->column = onc_strdup(col->name);
        r->label = onc_strdup(vars[v].label ? vars[v].label : col->name);
        r->type = col->type;
        r->n = onc_callocarray(n_groups, sizeof *r->n);
        r->missing = onc_callocarray(n_groups, sizeof *r->missing);
        if (r->column == NULL || r->label == NULL || r->n == NULL || r->missing == NULL) {
            st = ONC_ERR_NOMEM;
            goto fail;
        }
        if (col->type == ONC_COL_DATE) {
            st = onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, col->name,
                               "is a date; Table 1 summarises numbers, factors and logicals");
            goto fail;
        }
        if (col->type == ONC_COL_FACTOR || col->type == ONC_COL_LOGICAL) {
            if (vars[v].summary == ONC_TABLE1_MEDIAN_IQR || vars[v].summary == ONC_TABLE1_MEAN_SD) {
                st = onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, col->name,
                                   "is a %s; it is summarised as n (%%), not by %s",
                                   onc_coltype_name(col->type),
                                   vars[v].summary == ONC_TABLE1_MEAN_SD ? "mean (SD)" : "median (IQR)");
                goto fail;
            }
            r->summary = ONC_TABLE1_COUNT;
        } else {
            r->summary = vars[v].summary == ONC_TABLE1_AUTO ? ONC_TABLE1_MEDIAN_IQR : vars[v].summary;
        }
        if (r->summary == ONC_TABLE1_COUNT) {
            st = summarise_categorical(r, col, arm, df->n_rows, n_arms);
            if (st == ONC_ERR_LIMIT) {
                st = onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, col->name,
                                   "has more than %d distinct values; summarise it as a number "
                                   "(median_iqr or mean_sd)", TABLE1_MAX_NUMERIC_LEVELS);
                goto fail;
            }
            if (st != ONC_OK)
                goto fail;
            if ((st = test_categorical(r, n_arms)) != ONC_OK)
                goto fail;
            if (r->binary) {
                /* Keep only the TRUE counts for the shown line. */
                size_t stride = n_groups, g;
                size_t *only = onc_mallocarray(n_groups, sizeof *only);
                if (only == NULL) {
                    st = ONC_ERR_NOMEM;
                    goto fail;
                }
                for (g = 0; g < n_groups; g++)
                    only[g] = r->counts[stride + g];
                free(r->counts);
                r->counts = only;
                free(r->levels[0]);
                r->levels[0] = r->levels[1];
                r->levels[1] = NULL;
                r->n_levels = 1;
            }
        } else {
            r->median = onc_mallocarray(n_groups, sizeof *r->median);
            r->q1 = onc_mallocarray(n_groups, sizeof *r->q1);
            r->q3 = onc_mallocarray(n_groups, sizeof *r->q3);
            r->mean = onc_mallocarray(n_groups, sizeof *r->mean);
            r->sd = onc_mallocarray(n_groups, sizeof *r->sd);
            r->min = onc_mallocarray(n_groups, sizeof *r->min);
            r->max = onc_mallocarray(n_groups, sizeof *r->max);
            if (!r->median || !r->q1 || !r->q3 || !r->mean || !r->sd || !r->min || !r->max) {
                st = ONC_ERR_NOMEM;
                goto fail;
            }
            if ((st = summarise_numeric(r, col, arm, df->n_rows, n_arms, n_groups)) != ONC_OK)
                goto fail;
            if ((st = test_numeric(r, col, arm, df->n_rows, n_arms)) != ONC_OK)
                goto fail;
        }
        compute_smd(r, n_arms);
    }
    *out = t;
    return ONC_OK;
fail:
    onc_table1_free(t);
    if (st == ONC_ERR_NOMEM && err != NULL && err->message[0] == '\0')
        onc_error_set(err, st, NULL, 0, 0, NULL, "out of memory computing Table 1");
    return st;
}

void onc_table1_free(onc_table1 *t)
{
    size_t k;

    if (t == NULL)
        return;
    for (k = 0; k < t->n_arms && t->arms; k++)
        free(t->arms[k]);
    free(t->arms);
    free(t->arm_n);
    for (k = 0; k < t->n_rows; k++)
        row_free(&t->rows[k]);
    free(t->rows);
    free(t);
}
