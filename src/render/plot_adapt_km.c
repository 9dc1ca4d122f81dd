/*
** plot_adapt_km.c -- Kaplan-Meier fits as curves of the figure library, and
** the text of the figure's corner (test P and hazard ratios).
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/plot_adapt.h"
#include "oncostat/render.h"
#include "core/internal.h"

/* Doubles curve g needs: four step arrays with the (0, 1) start, two for
** censor marks, two for the observations.  -1 on overflow. */
static int km_curve_size(const onc_km_curve *c, size_t n_obs, size_t *out)
{
    size_t marks = 0, i, steps4, obs2, total;

    for (i = 0; i < c->n_rows; i++)
        marks += c->rows[i].n_censor > 0;
    if (c->n_rows == SIZE_MAX || onc_mul_overflow(c->n_rows + 1, 4, &steps4) != 0 ||
        onc_mul_overflow(n_obs, 2, &obs2) != 0)
        return -1;
    total = steps4;
    if (total > SIZE_MAX - obs2 - 2 * marks)
        return -1;
    *out = total + obs2 + 2 * marks;
    return 0;
}

void onc_plot_km_curves_free(onc_plot_km_curves *curves)
{
    if (curves == NULL)
        return;
    free(curves->curves);
    free(curves->values);
    free(curves->text);
    free(curves);
}

/* Copy the labels (or "group g") into one block; label[g] points into it. */
static onc_status km_copy_labels(onc_plot_km_curves *kc, const char *const *labels)
{
    size_t g, len = 0, used = 0;
    char generic[32];

    for (g = 0; g < kc->n_curves; g++) {
        size_t l = labels != NULL && labels[g] != NULL
                       ? strlen(labels[g])
                       : (size_t)snprintf(generic, sizeof generic, "group %zu", g + 1);
        if (l > SIZE_MAX - len - 1)
            return ONC_ERR_NOMEM;
        len += l + 1;
    }
    kc->text = malloc(len ? len : 1);
    if (kc->text == NULL)
        return ONC_ERR_NOMEM;
    for (g = 0; g < kc->n_curves; g++) {
        const char *src = labels != NULL && labels[g] != NULL ? labels[g] : NULL;
        if (src == NULL) {
            snprintf(generic, sizeof generic, "group %zu", g + 1);
            src = generic;
        }
        kc->curves[g].label = kc->text + used;
        used += onc_strlcpy(kc->text + used, src, len - used) + 1;
    }
    return ONC_OK;
}

onc_status onc_plot_km_curves_from_fit(const onc_km_fit *fit, size_t n,
                                       const double *time, const double *status,
                                       const int32_t *group,
                                       const char *const *labels,
                                       double time_scale,
                                       onc_plot_km_curves **out, onc_error *err)
{
    onc_plot_km_curves *kc = NULL;
    size_t *count = NULL, *fill = NULL, total = 0, g, i, k;
    double *p, scale = time_scale == 0 ? 1.0 : time_scale;
    onc_status st = ONC_OK;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM curves: no output given");
    *out = NULL;
    if (fit == NULL || fit->n_groups == 0 || (n > 0 && (time == NULL || status == NULL)))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM curves: a fit and its observations are required");
    if (group == NULL && fit->n_groups != 1)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM curves: the fit has %zu groups but no group codes "
                             "were given", fit->n_groups);
    if (!isfinite(scale) || !(scale > 0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM curves: the time scale must be a positive number, "
                             "not %g", time_scale);

    count = onc_callocarray(fit->n_groups, sizeof *count);
    fill = onc_callocarray(fit->n_groups, sizeof *fill);
    kc = calloc(1, sizeof *kc);
    if (count == NULL || fill == NULL || kc == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        int32_t c = group != NULL ? group[i] : 0;
        if (c < 0 || (size_t)c >= fit->n_groups) {
            st = onc_error_set(err, ONC_ERR_USAGE, NULL, i + 1, 0, NULL,
                               "KM curves: observation %zu has group code %ld; the fit "
                               "has %zu groups", i + 1, (long)c, fit->n_groups);
            goto cleanup;
        }
        count[c]++;
    }
    for (g = 0; g < fit->n_groups; g++) {
        size_t need;
        if (count[g] == 0 || fit->curves[g].n_rows == 0) {
            char generic[32];
            const char *name = labels != NULL && labels[g] != NULL ? labels[g] : NULL;
            if (name == NULL) {
                snprintf(generic, sizeof generic, "group %zu", g + 1);
                name = generic;
            }
            st = onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, NULL,
                               "KM curves: group '%.200s' has no observations to draw",
                               name);
            goto cleanup;
        }
        if (km_curve_size(&fit->curves[g], count[g], &need) != 0 ||
            need > SIZE_MAX - total) {
            st = ONC_ERR_NOMEM;
            goto cleanup;
        }
        total += need;
    }

    kc->n_curves = fit->n_groups;
    kc->risk_counts_valid = !fit->has_entry;
    kc->curves = onc_callocarray(kc->n_curves, sizeof *kc->curves);
    kc->values = onc_mallocarray(total ? total : 1, sizeof *kc->values);
    if (kc->curves == NULL || kc->values == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = km_copy_labels(kc, labels)) != ONC_OK)
        goto cleanup;

    p = kc->values;
    for (g = 0; g < kc->n_curves; g++) {
        const onc_km_curve *c = &fit->curves[g];
        onc_plot_curve *pc = &kc->curves[g];
        double *t = p, *s = p + c->n_rows + 1, *lo = s + c->n_rows + 1,
               *hi = lo + c->n_rows + 1, *ct, *cs;
        size_t marks = 0;

        p = hi + c->n_rows + 1;
        /* R plot.survfit starts every curve at (0, 1) with its band closed. */
        t[0] = 0;
        s[0] = lo[0] = hi[0] = 1;
        for (k = 0; k < c->n_rows; k++) {
            const onc_km_row *r = &c->rows[k];
            t[k + 1] = r->time * scale;
            s[k + 1] = r->surv;
            lo[k + 1] = r->lower;
            hi[k + 1] = r->upper;
            marks += r->n_censor > 0;
        }
        ct = p;
        cs = p + marks;
        p = cs + marks;
        marks = 0;
        for (k = 0; k < c->n_rows; k++)
            if (c->rows[k].n_censor > 0) {
                ct[marks] = c->rows[k].time * scale;
                cs[marks] = c->rows[k].surv;
                marks++;
            }
        pc->n = c->n;
        pc->n_steps = c->n_rows + 1;
        pc->time = t;
        pc->surv = s;
        pc->lower = lo;
        pc->upper = hi;
        pc->n_censor = marks;
        pc->censor_time = ct;
        pc->censor_surv = cs;
        pc->median = isfinite(c->median.estimate) ? c->median.estimate * scale : NAN;
        pc->n_obs = count[g];
        pc->obs_time = p;
        pc->obs_status = p + count[g];
        p += 2 * count[g];
    }
    /* The observations, in input order within each group. */
    for (i = 0; i < n; i++) {
        int32_t c = group != NULL ? group[i] : 0;
        double *ot = (double *)kc->curves[c].obs_time;
        double *os = (double *)kc->curves[c].obs_status;
        ot[fill[c]] = time[i] * scale;
        os[fill[c]] = status[i] != 0;
        fill[c]++;
    }
    *out = kc;
    kc = NULL;

cleanup:
    free(count);
    free(fill);
    onc_plot_km_curves_free(kc);
    if (st == ONC_ERR_NOMEM)
        onc_error_set(err, st, NULL, 0, 0, NULL, "KM curves: out of memory");
    return st;
}

/* ------------------------------------------------------------------ */
/* Corner text                                                         */
/* ------------------------------------------------------------------ */

/* Append to buf at *used; 0 when it fitted. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int km_appendf(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (*used >= cap)
        return -1;
    va_start(ap, fmt);
    w = vsnprintf(buf + *used, cap - *used, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= cap - *used) {
        *used = cap;
        return -1;
    }
    *used += (size_t)w;
    return 0;
}

/* Two decimals as papers print hazard ratios; NE for what is not finite. */
static void km_hr_number(double v, char *buf, size_t cap)
{
    if (isfinite(v) && v > 0)
        snprintf(buf, cap, "%.2f", v);
    else
        snprintf(buf, cap, "NE");
}

onc_status onc_plot_km_annotation(const char *test_name, double p_value,
                                  const onc_cox_fit *cox,
                                  const char *const *contrast_labels,
                                  char *buf, size_t cap, onc_error *err)
{
    size_t used = 0, j;
    int bad = 0;
    char p[32], hr[32], lo[32], hi[32], level[32];

    if (buf == NULL || cap == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM annotation: no buffer given");
    buf[0] = '\0';
    if (cox != NULL && cox->p > 0 && contrast_labels == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM annotation: hazard ratios need a label per coefficient");
    if (test_name != NULL && !isnan(p_value)) {
        onc_format_p(p_value, p, sizeof p);
        bad |= km_appendf(buf, cap, &used, "%s P %s %s", test_name,
                          p[0] == '<' ? "<" : "=", p[0] == '<' ? p + 1 : p);
    }
    if (cox != NULL) {
        /* "95%" without a trailing ".0": the level as people write it */
        snprintf(level, sizeof level, "%g%%", 100.0 * cox->conf_level);
        for (j = 0; j < cox->p; j++) {
            const char *label = contrast_labels[j] != NULL ? contrast_labels[j] : "";
            if (used > 0)
                bad |= km_appendf(buf, cap, &used, "\n");
            if ((cox->aliased != NULL && cox->aliased[j]) ||
                (cox->infinite != NULL && cox->infinite[j]) || !isfinite(cox->hr[j]) ||
                !(cox->hr[j] > 0)) {
                bad |= km_appendf(buf, cap, &used, "%s%sHR not estimable", label,
                                  label[0] ? ": " : "");
                continue;
            }
            km_hr_number(cox->hr[j], hr, sizeof hr);
            km_hr_number(cox->lower[j], lo, sizeof lo);
            km_hr_number(cox->upper[j], hi, sizeof hi);
            /* en dash between the limits, as in the forest plot */
            bad |= km_appendf(buf, cap, &used, "%s%sHR %s (%s CI %s\xE2\x80\x93%s)", label,
                              label[0] ? ": " : "", hr, level, lo, hi);
        }
    }
    if (bad) {
        /* never leave half a UTF-8 character at the end */
        size_t end = strlen(buf);
        while (end > 0 && ((unsigned char)buf[end - 1] & 0xC0) == 0x80)
            end--;
        if (end > 0 && ((unsigned char)buf[end - 1] & 0x80) != 0)
            end--;
        buf[end] = '\0';
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "KM annotation: the text does not fit in %zu bytes", cap);
    }
    return ONC_OK;
}
