/*
** rates_groups.c -- rates by group: the table behind "objective response
** 17/22 (77.3%) with TACE vs 15/38 (39.5%) with control, difference 37.8
** points (95% CI 11.9 to 55.9), OR 5.06, P = 0.007".
**
** Nothing is estimated here that rates.c and contingency.c do not already
** estimate; this file lays a table of counts out into those calls, in the
** orientation a paper reports (each arm against the reference arm), and
** turns the exact test's work limit into a result field.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/rates.h"
#include "core/internal.h"

/* Most groups or categories: the r x c exact test's own cap on the
** smaller dimension is 32, and a table wider than this is not a table a
** paper prints. */
#define RATES_GROUPS_MAX_DIM 4096

void onc_rates_options_init(onc_rates_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->ci = ONC_CI_CLOPPER_PEARSON;
    opt->conf_level = 0.95;
}

void onc_rates_result_free(onc_rates_result *result)
{
    if (result == NULL)
        return;
    free(result->counts);
    free(result->group_n);
    free(result->category_n);
    free(result->cells);
    free(result->overall);
    free(result->comparisons);
    free(result);
}

/* The 2 x 2 table of group g against group r: rows g, r; columns event,
** no event -- the orientation of onc_rates_odds_ratio. */
static onc_status rates_groups_compare(const onc_rates_result *res, size_t g,
                                       size_t r, const onc_rates_options *opt,
                                       onc_rates_comparison *out, onc_error *err)
{
    size_t a = res->counts[g * 2 + 1], b = res->counts[g * 2];
    size_t c = res->counts[r * 2 + 1], d = res->counts[r * 2];
    size_t table[4];
    onc_status st;

    table[0] = a;
    table[1] = b;
    table[2] = c;
    table[3] = d;
    out->group = g;
    out->reference = r;
    if ((st = onc_rates_difference(a, a + b, c, c + d, opt->conf_level,
                                   &out->difference, err)) != ONC_OK)
        return st;
    if ((st = onc_rates_odds_ratio(a, b, c, d, opt->conf_level,
                                   &out->odds_ratio, err)) != ONC_OK)
        return st;
    return onc_contingency_chisq(table, 2, 2, opt->yates, &out->chisq, err);
}

/*
** Rates by group.
** Method: per cell, onc_rates_proportion (binom.test / prop.test limits);
**   per group against group 0 (binary), onc_rates_difference (Newcombe
**   hybrid score), onc_rates_odds_ratio (fisher.test) and
**   onc_contingency_chisq on the 2 x 2 table; over the whole table,
**   onc_contingency_fisher (fisher.test) and onc_contingency_chisq
**   (chisq.test); over ordered groups, onc_contingency_trend
**   (prop.trend.test).
** Inputs: counts[n_groups * n_categories] (row-major by group), binary,
**   opt (NULL = defaults; scores[n_groups] when given).
** Output: *out, released with onc_rates_result_free().
** Preconditions: n_groups, n_categories >= 1; binary => n_categories == 2.
** NaN policy: an empty group or category gives NaN proportions and
**   comparisons as the routines above define; a test that the table does
**   not support (one group, one category) is absent (has_test = 0).
*/
onc_status onc_rates_by_group(const size_t *counts, size_t n_groups,
                              size_t n_categories, int binary,
                              const onc_rates_options *opt,
                              onc_rates_result **out, onc_error *err)
{
    onc_rates_options defaults;
    onc_rates_result *res = NULL;
    size_t g, c, cells;
    size_t *events = NULL;
    onc_status st = ONC_OK;

    if (out == NULL || (counts == NULL && n_groups * n_categories > 0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "missing counts or result pointer");
    *out = NULL;
    if (opt == NULL) {
        onc_rates_options_init(&defaults);
        opt = &defaults;
    }
    if (n_groups == 0 || n_categories == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "a table of rates needs at least one group and one "
                             "outcome category (got %zu x %zu)", n_groups,
                             n_categories);
    if (n_groups > RATES_GROUPS_MAX_DIM || n_categories > RATES_GROUPS_MAX_DIM)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%zu groups by %zu outcome categories: at most %d "
                             "of each", n_groups, n_categories,
                             RATES_GROUPS_MAX_DIM);
    if (binary && n_categories != 2)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "a binary outcome has 2 categories, not %zu",
                             n_categories);
    if (opt->trend && !binary)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the test for trend needs a binary outcome");
    if (!(opt->conf_level > 0.0 && opt->conf_level < 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "confidence level must be between 0 and 1 "
                             "(exclusive), got %g", opt->conf_level);

    cells = n_groups * n_categories;    /* both <= 4096: no overflow */
    res = calloc(1, sizeof *res);
    if (res == NULL)
        goto nomem;
    res->n_groups = n_groups;
    res->n_categories = n_categories;
    res->binary = binary != 0;
    res->conf_level = opt->conf_level;
    res->ci = opt->ci;
    res->yates = opt->yates != 0;
    res->counts = onc_mallocarray(cells, sizeof *res->counts);
    res->group_n = onc_callocarray(n_groups, sizeof *res->group_n);
    res->category_n = onc_callocarray(n_categories, sizeof *res->category_n);
    res->cells = onc_callocarray(cells, sizeof *res->cells);
    res->overall = onc_callocarray(n_categories, sizeof *res->overall);
    if (res->counts == NULL || res->group_n == NULL || res->category_n == NULL ||
        res->cells == NULL || res->overall == NULL)
        goto nomem;
    memcpy(res->counts, counts, cells * sizeof *counts);
    for (g = 0; g < n_groups; g++)
        for (c = 0; c < n_categories; c++) {
            size_t x = counts[g * n_categories + c];
            if (x > SIZE_MAX - res->total) {
                st = onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                                   "the counts overflow");
                goto cleanup;
            }
            res->group_n[g] += x;
            res->category_n[c] += x;
            res->total += x;
        }

    for (g = 0; g < n_groups; g++)
        for (c = 0; c < n_categories; c++)
            if ((st = onc_rates_proportion(counts[g * n_categories + c],
                                           res->group_n[g], opt->conf_level,
                                           opt->ci, &res->cells[g * n_categories + c],
                                           err)) != ONC_OK)
                goto cleanup;
    for (c = 0; c < n_categories; c++)
        if ((st = onc_rates_proportion(res->category_n[c], res->total,
                                       opt->conf_level, opt->ci,
                                       &res->overall[c], err)) != ONC_OK)
            goto cleanup;

    if (binary && n_groups >= 2) {
        res->comparisons = onc_callocarray(n_groups - 1, sizeof *res->comparisons);
        if (res->comparisons == NULL)
            goto nomem;
        res->n_comparisons = n_groups - 1;
        for (g = 1; g < n_groups; g++)
            if ((st = rates_groups_compare(res, g, 0, opt, &res->comparisons[g - 1],
                                           err)) != ONC_OK)
                goto cleanup;
    }

    if (n_groups >= 2 && n_categories >= 2) {
        size_t exact_max = opt->exact_max_total ? opt->exact_max_total
                                                : ONC_RATES_EXACT_MAX_TOTAL;
        res->has_test = 1;
        if (n_groups * n_categories > 4 && res->total > exact_max)
            st = ONC_ERR_LIMIT;
        else
            st = onc_contingency_fisher(counts, n_groups, n_categories, &opt->fisher,
                                        &res->fisher, err);
        if (st == ONC_ERR_LIMIT && res->total <= ((size_t)1 << 24)) {
            /* Too much enumeration for this table: a numerical outcome,
            ** not a failure; the chi-square test still answers. */
            res->fisher_limited = 1;
            res->fisher.p_value = NAN;
            res->fisher.nrow = n_groups;
            res->fisher.ncol = n_categories;
            onc_error_clear(err);
            st = ONC_OK;
        }
        if (st != ONC_OK)
            goto cleanup;
        if ((st = onc_contingency_chisq(counts, n_groups, n_categories, opt->yates,
                                        &res->chisq, err)) != ONC_OK)
            goto cleanup;
    }

    if (opt->trend && n_groups >= 2) {
        events = onc_mallocarray(n_groups, sizeof *events);
        if (events == NULL)
            goto nomem;
        for (g = 0; g < n_groups; g++)
            events[g] = counts[g * 2 + 1];
        if ((st = onc_contingency_trend(events, res->group_n, opt->scores, n_groups,
                                        &res->trend, err)) != ONC_OK)
            goto cleanup;
        res->has_trend = 1;
    }
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "out of memory for a table of %zu x %zu rates", n_groups,
                       n_categories);
cleanup:
    free(events);
    if (st != ONC_OK)
        onc_rates_result_free(res);
    else
        *out = res;
    return st;
}
