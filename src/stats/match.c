/*
** match.c -- greedy nearest-neighbour matching on a distance, normally the
** logit of the propensity score (Rosenbaum & Rubin 1985; Austin 2011 for
** the caliper of 0.2 SD of the logit).
**
** The algorithm and its tie-breaking are those of MatchIt 4.5
** (matchit(method = "nearest"), its nn_matchC_vec and weights_matrixC):
**   - all patients are ordered by distance, ties in data order;
**   - treated patients are taken in `order` (largest distance first by
**     default, ties in data order), each picking the nearest available
**     control below or above it in that ordering; the control below wins
**     an exactly equal distance;
**   - with ratio k, every treated patient gets its first control before any
**     gets its second, and so on;
**   - a caliper excludes controls farther than it; its width is `caliper`
**     times the SD of the distance over the patients not discarded;
**   - matching weights: 1 for a matched treated patient, 1/m to each of its
**     m controls (summed over the treated patients a control serves), then
**     the control weights rescaled to sum to the number of matched controls.
** One deliberate difference: MatchIt 4.5.1 can match the same control twice
** to one treated patient when matching with replacement and ratio > 1
** (kosukeimai/MatchIt#159, fixed in later versions); here a control is
** never matched twice to the same treated patient.
**
** Cost: O(n log n) for the ordering; the nearest available control on
** either side is found with path-compressed "next available" links, so
** that removing used controls costs nearly O(1) each (10 million patients
** match in seconds).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/ps.h"

typedef struct match_key {
    double d;
    size_t i;
} match_key;

static int match_cmp_up(const void *a, const void *b)
{
    const match_key *x = a, *y = b;

    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Decreasing distance, ties in data order (R's stable order(decreasing)). */
static int match_cmp_down(const void *a, const void *b)
{
    const match_key *x = a, *y = b;

    if (x->d != y->d)
        return x->d > y->d ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/*
** "Next available" links over the n0 controls in distance order.
** left[s], s = j + 1, leads to the nearest available position <= j
** (0 meaning none); right[j] to the nearest available position >= j
** (n0 meaning none).
*/
typedef struct match_links {
    size_t *left;               /* n0 + 1 */
    size_t *right;              /* n0 + 1 */
    size_t n0;
} match_links;

/* Nearest available control position <= j, or ONC_MATCH_NONE. */
static size_t match_find_left(match_links *ml, size_t j_plus_1)
{
    size_t s = j_plus_1;

    while (ml->left[s] != s) {
        ml->left[s] = ml->left[ml->left[s]];
        s = ml->left[s];
    }
    return s == 0 ? ONC_MATCH_NONE : s - 1;
}

/* Nearest available control position >= j, or ONC_MATCH_NONE. */
static size_t match_find_right(match_links *ml, size_t j)
{
    size_t s = j;

    while (ml->right[s] != s) {
        ml->right[s] = ml->right[ml->right[s]];
        s = ml->right[s];
    }
    return s == ml->n0 ? ONC_MATCH_NONE : s;
}

static void match_remove(match_links *ml, size_t j)
{
    ml->left[j + 1] = j;
    ml->right[j] = j + 1;
}

static int match_in_row(const size_t *row, size_t r, size_t control)
{
    size_t c;

    for (c = 0; c < r; c++)
        if (row[c] == control)
            return 1;
    return 0;
}

void onc_match_options_init(onc_match_options *opt)
{
    if (opt == NULL)
        return;
    opt->treated_arm = 1;
    opt->ratio = 1;
    opt->replace = 0;
    opt->caliper = 0.0;
    opt->caliper_in_sd = 1;
    opt->order = ONC_MATCH_LARGEST;
    opt->discard = ONC_MATCH_DISCARD_NONE;
}

void onc_match_free(onc_match_result *m)
{
    if (m == NULL)
        return;
    free(m->treated_rows);
    free(m->match);
    free(m->weight);
    free(m->discarded);
    free(m);
}

static onc_status match_check(const double *distance, const int *arm, size_t n,
                              const onc_match_options *opt, onc_error *err)
{
    size_t i;

    if (distance == NULL || arm == NULL || n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "matching needs distances and arms for at least one patient");
    if (opt->treated_arm != 0 && opt->treated_arm != 1)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the treated arm must be 0 or 1, not %d", opt->treated_arm);
    if (opt->ratio < 1 || opt->ratio > ONC_MATCH_MAX_RATIO)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the matching ratio must lie in 1 .. %d, not %zu",
                             ONC_MATCH_MAX_RATIO, opt->ratio);
    if (!isfinite(opt->caliper) || opt->caliper < 0.0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the caliper must be finite and non-negative, not %g",
                             opt->caliper);
    if (opt->order != ONC_MATCH_LARGEST && opt->order != ONC_MATCH_SMALLEST &&
        opt->order != ONC_MATCH_DATA)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown matching order %d", (int)opt->order);
    if (opt->discard != ONC_MATCH_DISCARD_NONE && opt->discard != ONC_MATCH_DISCARD_BOTH &&
        opt->discard != ONC_MATCH_DISCARD_CONTROL &&
        opt->discard != ONC_MATCH_DISCARD_TREATED)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown discard rule %d", (int)opt->discard);
    for (i = 0; i < n; i++) {
        if (!isfinite(distance[i]))
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "distance",
                                 "the distance is %g", distance[i]);
        if (arm[i] != 0 && arm[i] != 1)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "arm",
                                 "matching needs arm codes 0 and 1, found %d", arm[i]);
    }
    return ONC_OK;
}

/* MatchIt's discard(): units outside the range of the other group(s). */
static void match_discard(const double *d, const int *treated, size_t n,
                          onc_match_discard rule, int *discarded)
{
    double min1 = INFINITY, max1 = -INFINITY, min0 = INFINITY, max0 = -INFINITY;
    double lo, hi;
    size_t i;

    memset(discarded, 0, n * sizeof *discarded);
    if (rule == ONC_MATCH_DISCARD_NONE)
        return;
    for (i = 0; i < n; i++) {
        if (treated[i]) {
            min1 = fmin(min1, d[i]);
            max1 = fmax(max1, d[i]);
        } else {
            min0 = fmin(min0, d[i]);
            max0 = fmax(max0, d[i]);
        }
    }
    for (i = 0; i < n; i++) {
        switch (rule) {
        case ONC_MATCH_DISCARD_BOTH:
            lo = fmax(min0, min1);
            hi = fmin(max0, max1);
            discarded[i] = d[i] < lo || d[i] > hi;
            break;
        case ONC_MATCH_DISCARD_CONTROL:
            discarded[i] = !treated[i] && (d[i] < min1 || d[i] > max1);
            break;
        case ONC_MATCH_DISCARD_TREATED:
            discarded[i] = treated[i] && (d[i] < min0 || d[i] > max0);
            break;
        default:
            break;
        }
    }
}

/* Sample SD of the distances not discarded (R's sd), or 0. */
static double match_sd(const double *d, const int *discarded, size_t n)
{
    long double s = 0.0L, ss = 0.0L, m;
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        if (!discarded[i]) {
            s += d[i];
            k++;
        }
    if (k < 2)
        return 0.0;
    m = s / (long double)k;
    for (i = 0; i < n; i++)
        if (!discarded[i])
            ss += ((long double)d[i] - m) * ((long double)d[i] - m);
    return (double)sqrtl(ss / (long double)(k - 1));
}

/*
** Specification
**   Inputs:  distance (n finite values), arm (n codes 0/1), opt (or NULL:
**            1:1, without replacement, no caliper, largest first).
**   Output:  *out (free with onc_match_free): for each treated patient (in
**            data order) the rows of its matched controls, MatchIt's
**            matching weights, discarded patients and the counts of
**            matched, unmatched and discarded patients in each group.
**   Preconditions: both arms present.
**   NaN policy: a NaN distance is an ONC_ERR_DATA error naming the row.
**   Reference: MatchIt 4.5.1 matchit(method = "nearest").
*/
onc_status onc_match_nearest(const double *distance, const int *arm, size_t n,
                             const onc_match_options *opt,
                             onc_match_result **out, onc_error *err)
{
    onc_status st;
    onc_match_options def;
    onc_match_result *m = NULL;
    match_key *keys = NULL;
    match_links ml = {NULL, NULL, 0};
    int *treated = NULL;
    size_t *controls = NULL;    /* control rows in distance order */
    size_t *before = NULL;      /* per treated (data order): controls before it */
    size_t *tpos = NULL;        /* per row: index among treated, if treated */
    size_t *order = NULL;       /* treated rows in processing order */
    double width = INFINITY;
    size_t n1 = 0, n0 = 0, i, r, t, k;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_match_nearest: out is NULL");
    *out = NULL;
    if (opt == NULL) {
        onc_match_options_init(&def);
        opt = &def;
    }
    st = match_check(distance, arm, n, opt, err);
    if (st != ONC_OK)
        return st;

    treated = onc_mallocarray(n, sizeof *treated);
    tpos = onc_mallocarray(n, sizeof *tpos);
    keys = onc_mallocarray(n, sizeof *keys);
    m = calloc(1, sizeof *m);
    if (treated == NULL || tpos == NULL || keys == NULL || m == NULL)
        goto nomem;
    for (i = 0; i < n; i++) {
        treated[i] = arm[i] == opt->treated_arm;
        tpos[i] = treated[i] ? n1++ : ONC_MATCH_NONE;
    }
    n0 = n - n1;
    if (n1 == 0 || n0 == 0) {
        st = onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, "arm",
                           "matching needs treated and control patients (%zu and %zu)",
                           n1, n0);
        goto cleanup;
    }

    m->n = n;
    m->n_treated = n1;
    m->ratio = opt->ratio;
    m->caliper = NAN;
    m->treated_rows = onc_mallocarray(n1, sizeof *m->treated_rows);
    m->match = onc_mallocarray(n1, opt->ratio * sizeof *m->match);
    m->weight = onc_callocarray(n, sizeof *m->weight);
    m->discarded = onc_mallocarray(n, sizeof *m->discarded);
    controls = onc_mallocarray(n0, sizeof *controls);
    before = onc_mallocarray(n1, sizeof *before);
    order = onc_mallocarray(n1, sizeof *order);
    ml.left = onc_mallocarray(n0 + 1, sizeof *ml.left);
    ml.right = onc_mallocarray(n0 + 1, sizeof *ml.right);
    ml.n0 = n0;
    if (m->treated_rows == NULL || m->match == NULL || m->weight == NULL ||
        m->discarded == NULL || controls == NULL || before == NULL ||
        order == NULL || ml.left == NULL || ml.right == NULL)
        goto nomem;
    for (i = 0; i < n; i++)
        if (treated[i])
            m->treated_rows[tpos[i]] = i;
    for (i = 0; i < n1 * opt->ratio; i++)
        m->match[i] = ONC_MATCH_NONE;

    match_discard(distance, treated, n, opt->discard, m->discarded);
    if (opt->caliper > 0.0) {
        double sd = opt->caliper_in_sd ? match_sd(distance, m->discarded, n) : 1.0;

        /* A constant distance leaves nothing to scale (MatchIt drops the
        ** caliper when the distance takes a single value). */
        if (sd > 0.0 && isfinite(sd)) {
            width = opt->caliper * sd;
            m->caliper = width;
        }
    }

    /* Everyone in distance order; controls listed, treated located. */
    for (i = 0; i < n; i++) {
        keys[i].d = distance[i];
        keys[i].i = i;
    }
    qsort(keys, n, sizeof *keys, match_cmp_up);
    for (i = 0, k = 0; i < n; i++) {
        size_t row = keys[i].i;

        if (treated[row])
            before[tpos[row]] = k;
        else
            controls[k++] = row;
    }
    for (k = 0; k <= n0; k++) {
        ml.left[k] = k;
        ml.right[k] = k;
    }
    for (k = 0; k < n0; k++)
        if (m->discarded[controls[k]])
            match_remove(&ml, k);

    /* Order in which treated patients choose. */
    for (t = 0; t < n1; t++) {
        keys[t].d = distance[m->treated_rows[t]];
        keys[t].i = m->treated_rows[t];
    }
    if (opt->order == ONC_MATCH_LARGEST)
        qsort(keys, n1, sizeof *keys, match_cmp_down);
    else if (opt->order == ONC_MATCH_SMALLEST)
        qsort(keys, n1, sizeof *keys, match_cmp_up);
    for (t = 0; t < n1; t++)
        order[t] = keys[t].i;

    for (r = 0; r < opt->ratio; r++) {
        for (t = 0; t < n1; t++) {
            size_t row = order[t], tp = tpos[row], *mrow = m->match + tp * opt->ratio;
            size_t jl, jr, pick;
            double dt = distance[row];

            if (m->discarded[row])
                continue;
            jl = before[tp] == 0 ? ONC_MATCH_NONE : match_find_left(&ml, before[tp]);
            while (jl != ONC_MATCH_NONE && match_in_row(mrow, r, controls[jl]))
                jl = jl == 0 ? ONC_MATCH_NONE : match_find_left(&ml, jl);
            if (jl != ONC_MATCH_NONE && fabs(dt - distance[controls[jl]]) > width)
                jl = ONC_MATCH_NONE;
            jr = match_find_right(&ml, before[tp]);
            while (jr != ONC_MATCH_NONE && match_in_row(mrow, r, controls[jr]))
                jr = match_find_right(&ml, jr + 1);
            if (jr != ONC_MATCH_NONE && fabs(dt - distance[controls[jr]]) > width)
                jr = ONC_MATCH_NONE;
            if (jl != ONC_MATCH_NONE && jr != ONC_MATCH_NONE)
                pick = fabs(distance[controls[jl]] - dt) <= fabs(distance[controls[jr]] - dt)
                           ? jl : jr;
            else if (jl != ONC_MATCH_NONE)
                pick = jl;
            else if (jr != ONC_MATCH_NONE)
                pick = jr;
            else
                continue;
            mrow[r] = controls[pick];
            if (!opt->replace)
                match_remove(&ml, pick);
        }
    }

    /* Matching weights as MatchIt's weights_matrixC, then the control
    ** weights rescaled to sum to the number of matched controls. */
    {
        double sum0 = 0.0;
        size_t used0 = 0;

        for (t = 0; t < n1; t++) {
            const size_t *mrow = m->match + t * opt->ratio;
            size_t cnt = 0;

            if (mrow[0] == ONC_MATCH_NONE)
                continue;
            for (r = 0; r < opt->ratio; r++)
                cnt += mrow[r] != ONC_MATCH_NONE;
            m->weight[m->treated_rows[t]] += 1.0;
            for (r = 0; r < opt->ratio; r++)
                if (mrow[r] != ONC_MATCH_NONE)
                    m->weight[mrow[r]] += 1.0 / (double)cnt;
        }
        for (i = 0; i < n; i++)
            if (!treated[i] && m->weight[i] > 0.0) {
                sum0 += m->weight[i];
                used0++;
            }
        for (i = 0; i < n; i++)
            if (!treated[i] && m->weight[i] > 0.0)
                m->weight[i] *= (double)used0 / sum0;
        for (i = 0; i < n; i++) {
            int matched = m->weight[i] > 0.0;

            if (treated[i]) {
                if (m->discarded[i])
                    m->n_treated_discarded++;
                else if (matched)
                    m->n_treated_matched++;
                else
                    m->n_treated_unmatched++;
            } else {
                if (m->discarded[i])
                    m->n_control_discarded++;
                else if (matched)
                    m->n_control_matched++;
                else
                    m->n_control_unmatched++;
            }
        }
    }
    *out = m;
    m = NULL;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "matching: out of memory for %zu patients", n);
cleanup:
    onc_match_free(m);
    free(keys);
    free(treated);
    free(tpos);
    free(controls);
    free(before);
    free(order);
    free(ml.left);
    free(ml.right);
    return st;
}
