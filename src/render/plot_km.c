/*
** plot_km.c -- Kaplan-Meier (or cumulative incidence) figure with censor
** marks, confidence bands, median guides, a legend, an annotation and a
** table of numbers at risk locked to the x-axis ticks.
**
** Conventions, chosen to match what readers of R survival output expect:
**  - Number at risk at a tick t: observations with time >= t, the n.risk
**    that summary(survfit(...), times = t, extend = TRUE) reports.
**  - Cumulative events (censored) at t: events (censorings) with time <= t,
**    i.e. cumsum() of summary()'s n.event (n.censor) over the ticks; these
**    are the KMunicate rows (Morris et al., BMJ Open 2019;9:e030215).
**  - min_at_risk follows Pocock, Clayton & Altman (Lancet 2002;359:1686):
**    each curve stops at the last time at which at least that many
**    patients remain at risk, i.e. at its k-th largest observation time
**    (k = ceil(min_at_risk)); a curve with fewer than k observations is not
**    drawn beyond time 0.  The axis ends at the last break at or after the
**    latest curve end.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/plot.h"
#include "core/internal.h"
#include "render/plot_internal.h"

#define KM_MAX_CURVES 16
#define KM_CURVE_WIDTH 1.2
#define KM_CENSOR_SIZE 5.0
#define KM_KEY_LENGTH 18.0
#define KM_DECIMATE 0.05   /* points: steps closer than this share a vertical */
#define KM_REFERENCE_SIZE 10.0  /* font size at which widths are measured once */

typedef struct km_group {
    char name[96];           /* for messages: "curve 2 ('TACE')" */
    char *label;             /* fitted risk-table label */
    double risk_label_size;
    double t_last;           /* last observation time */
    double t_end;            /* the curve is drawn up to here */
    size_t *at_risk, *events, *censored;   /* per break shown */
    size_t *all_at_risk, *all_events, *all_censored;   /* per candidate break */
} km_group;

/* A growing polyline. */
typedef struct km_path {
    double *x, *y;
    size_t n, cap;
    int failed;
} km_path;

static void km_path_push(km_path *p, double x, double y)
{
    if (p->failed)
        return;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        double *nx = onc_reallocarray(p->x, cap, sizeof *nx);

        if (nx == NULL) {
            p->failed = 1;
            return;
        }
        p->x = nx;
        {
            double *ny = onc_reallocarray(p->y, cap, sizeof *ny);

            if (ny == NULL) {
                p->failed = 1;
                return;
            }
            p->y = ny;
        }
        p->cap = cap;
    }
    p->x[p->n] = x;
    p->y[p->n] = y;
    p->n++;
}

/*
** Step from level y_old to y_new at page x.  Steps closer than KM_DECIMATE
** to the previous vertical extend it instead, so ten million steps cost no
** more than the panel's width in points.
*/
static void km_path_step(km_path *p, double x, double y_old, double y_new)
{
    if (p->n >= 2 && fabs(x - p->x[p->n - 1]) < KM_DECIMATE &&
        p->x[p->n - 2] == p->x[p->n - 1]) {
        p->y[p->n - 1] = y_new;
        return;
    }
    km_path_push(p, x, y_old);
    km_path_push(p, x, y_new);
}

static void km_path_free(km_path *p)
{
    free(p->x);
    free(p->y);
    p->x = p->y = NULL;
    p->n = p->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

static onc_status km_bad(onc_error *err, const char *name, const char *what)
{
    return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "%s: %s", name, what);
}

static onc_status km_check_curve(const onc_plot_curve *c, const char *name, onc_error *err)
{
    size_t i;

    if (!plot_utf8_valid(c->label))
        return km_bad(err, name, "the label is not valid UTF-8 text");
    if (c->n_obs == 0 || c->obs_time == NULL || c->obs_status == NULL)
        return km_bad(err, name, "the curve has no observations to count numbers at risk from");
    for (i = 0; i < c->n_obs; i++) {
        if (!isfinite(c->obs_time[i]) || c->obs_time[i] < 0)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "%s: observation %zu has time %g; times must be finite and >= 0",
                                 name, i + 1, c->obs_time[i]);
        if (c->obs_status[i] != 0 && c->obs_status[i] != 1)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "%s: observation %zu has status %g; use 1 (event) or 0 (censored)",
                                 name, i + 1, c->obs_status[i]);
    }
    if (c->n_steps == 0 || c->time == NULL || c->surv == NULL)
        return km_bad(err, name, "the curve has no steps");
    if (c->time[0] != 0 || c->surv[0] != 1)
        return km_bad(err, name, "the steps must start at time 0 with S = 1");
    for (i = 0; i < c->n_steps; i++) {
        double lo = c->lower != NULL ? c->lower[i] : NAN;
        double hi = c->upper != NULL ? c->upper[i] : NAN;

        if (!isfinite(c->time[i]) || (i > 0 && c->time[i] < c->time[i - 1]))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "%s: step %zu has time %g; times must be finite and ascending",
                                 name, i + 1, c->time[i]);
        if (!(c->surv[i] >= 0 && c->surv[i] <= 1))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "%s: step %zu has S = %g, outside [0, 1]", name, i + 1,
                                 c->surv[i]);
        if ((!isnan(lo) && !(lo >= 0 && lo <= 1)) || (!isnan(hi) && !(hi >= 0 && hi <= 1)))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "%s: step %zu has a confidence limit outside [0, 1]",
                                 name, i + 1);
        if (lo > hi)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "%s: step %zu has lower limit %g above upper limit %g",
                                 name, i + 1, lo, hi);
    }
    if (c->n_censor > 0 && (c->censor_time == NULL || c->censor_surv == NULL))
        return km_bad(err, name, "censor marks are counted but their times or levels are missing");
    for (i = 0; i < c->n_censor; i++)
        if (!isfinite(c->censor_time[i]) || !(c->censor_surv[i] >= 0 && c->censor_surv[i] <= 1))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "%s: censor mark %zu is at (%g, %g), off the plot", name, i + 1,
                                 c->censor_time[i], c->censor_surv[i]);
    if (!isnan(c->median) && !(isfinite(c->median) && c->median >= 0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "%s: the median %g is neither a time nor NaN", name, c->median);
    return ONC_OK;
}

static onc_status km_check_options(const onc_plot_km_options *opt, onc_error *err)
{
    const char *texts[5];
    size_t i;

    texts[0] = opt->title;
    texts[1] = opt->xlabel;
    texts[2] = opt->ylabel;
    texts[3] = opt->time_unit;
    texts[4] = opt->annotation;
    for (i = 0; i < 5; i++)
        if (!plot_utf8_valid(texts[i]))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "KM figure: a title, label or annotation is not valid UTF-8");
    if (!isfinite(opt->min_at_risk) || opt->min_at_risk < 0 || opt->min_at_risk > 1e15)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: min_at_risk must be a count >= 0, not %g",
                             opt->min_at_risk);
    if (!isfinite(opt->xmax) || opt->xmax < 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: xmax must be finite and >= 0 (0 = automatic), not %g",
                             opt->xmax);
    if (!(opt->ymax >= 0 && opt->ymax <= 1))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: ymax must be in (0, 1] (0 = automatic), not %g",
                             opt->ymax);
    if (opt->font_size != 0 && !(opt->font_size >= 4 && opt->font_size <= 24))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: font size %g is outside 4 to 24 points", opt->font_size);
    if (opt->n_breaks > 0 && opt->breaks == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: n_breaks is %zu but no breaks were given", opt->n_breaks);
    if (opt->n_breaks > ONC_PLOT_MAX_BREAKS)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: %zu breaks given; the limit is %d", opt->n_breaks,
                             ONC_PLOT_MAX_BREAKS);
    for (i = 0; i < opt->n_breaks; i++)
        if (!isfinite(opt->breaks[i]) || opt->breaks[i] < 0 ||
            (i > 0 && !(opt->breaks[i] > opt->breaks[i - 1])))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "KM figure: break %zu (%g) must be finite, >= 0 and above "
                                 "the one before", i + 1, opt->breaks[i]);
    return ONC_OK;
}

/* ------------------------------------------------------------------ */
/* Counting                                                            */
/* ------------------------------------------------------------------ */

/* Sift-down for a min-heap of doubles. */
static void km_heap_down(double *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        double t;

        if (l < n && h[l] < h[m])
            m = l;
        if (r < n && h[r] < h[m])
            m = r;
        if (m == i)
            return;
        t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/*
** The k-th largest of v[0..n-1] (1 <= k <= n) with a min-heap of the k
** largest seen so far: O(n log k) time and O(k) memory, so a cut near the
** tail of ten million rows needs no copy of the data.  -1 on no memory.
*/
static int km_kth_largest(const double *v, size_t n, size_t k, double *out)
{
    double *h = onc_mallocarray(k, sizeof *h);
    size_t i;

    if (h == NULL)
        return -1;
    for (i = 0; i < k; i++)
        h[i] = v[i];
    for (i = k / 2; i-- > 0;)
        km_heap_down(h, k, i);
    for (i = k; i < n; i++) {
        if (v[i] > h[0]) {
            h[0] = v[i];
            km_heap_down(h, k, 0);
        }
    }
    *out = h[0];
    free(h);
    return 0;
}

/* Number of breaks <= t (upper bound) or < t (lower bound). */
static size_t km_upper(const double *b, size_t n, double t)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (b[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t km_lower(const double *b, size_t n, double t)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (b[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
** Numbers at risk and cumulative events/censored at each break in one pass
** over the observations (O(n log n_breaks)).  The output arrays have
** n_breaks + 1 entries; the last is scratch.
*/
static void km_count(const onc_plot_curve *c, const double *breaks, size_t nb,
                     size_t *at_risk, size_t *events, size_t *censored)
{
    size_t i, j, run;

    memset(at_risk, 0, (nb + 1) * sizeof *at_risk);
    memset(events, 0, (nb + 1) * sizeof *events);
    memset(censored, 0, (nb + 1) * sizeof *censored);
    for (i = 0; i < c->n_obs; i++) {
        double t = c->obs_time[i];

        at_risk[km_upper(breaks, nb, t)]++;         /* at risk at breaks[j] for j < this */
        if (c->obs_status[i] == 1)
            events[km_lower(breaks, nb, t)]++;      /* counted from the first break >= t */
        else
            censored[km_lower(breaks, nb, t)]++;
    }
    run = 0;
    for (j = nb + 1; j-- > 0;) {
        size_t here = at_risk[j];

        at_risk[j] = run;
        run += here;
    }
    for (j = 1; j < nb; j++) {
        events[j] += events[j - 1];
        censored[j] += censored[j - 1];
    }
}

/* ------------------------------------------------------------------ */
/* Layout                                                              */
/* ------------------------------------------------------------------ */

typedef struct km_fonts {
    double base, tick, table, axis, title, legend;
} km_fonts;

typedef struct km_state {
    const onc_plot_curve *curves;
    size_t n_curves;
    const onc_plot_km_options *opt;
    plot_builder *b;
    km_group *groups;
    km_fonts font;
    double axis_end;
    double all_breaks[ONC_PLOT_MAX_BREAKS];
    size_t n_all;
    double breaks[ONC_PLOT_MAX_BREAKS];
    size_t n_breaks;
    int decimals;
    double ybreaks[ONC_PLOT_MAX_BREAKS];
    size_t n_ybreaks;
    int ydecimals;
    double ymax;
    const char *row_names[3];
} km_state;

static double km_level(const km_state *s, double surv)
{
    return s->opt->cumulative_incidence ? 1 - surv : surv;
}

/*
** Widest number under break j of the full set (every curve, every row) at
** KM_REFERENCE_SIZE.  Unhinted text scales linearly with its size, so one
** measurement serves every size the layout tries.
*/
static double km_column_width(km_state *s, size_t j)
{
    char buf[32];
    double w = 0;
    size_t g;

    for (g = 0; g < s->n_curves; g++) {
        km_group *gr = &s->groups[g];

        snprintf(buf, sizeof buf, "%zu", gr->all_at_risk[j]);
        w = fmax(w, plot_measure(s->b, buf, KM_REFERENCE_SIZE, 0).width);
        if (s->opt->kmunicate) {
            snprintf(buf, sizeof buf, "%zu", gr->all_events[j]);
            w = fmax(w, plot_measure(s->b, buf, KM_REFERENCE_SIZE, 0).width);
            snprintf(buf, sizeof buf, "%zu", gr->all_censored[j]);
            w = fmax(w, plot_measure(s->b, buf, KM_REFERENCE_SIZE, 0).width);
        }
    }
    return w;
}

/* Keep every stride-th break and the counts under them. */
static void km_select_breaks(km_state *s, size_t stride)
{
    size_t g, i;

    s->n_breaks = 0;
    for (i = 0; i < s->n_all; i += stride) {
        for (g = 0; g < s->n_curves; g++) {
            km_group *gr = &s->groups[g];

            gr->at_risk[s->n_breaks] = gr->all_at_risk[i];
            gr->events[s->n_breaks] = gr->all_events[i];
            gr->censored[s->n_breaks] = gr->all_censored[i];
        }
        s->breaks[s->n_breaks++] = s->all_breaks[i];
    }
    s->decimals = onc_plot_tick_decimals(s->breaks, s->n_breaks);
}

/* Width of the risk table's label column at the table font. */
static double km_label_column(km_state *s, double size)
{
    double w = 0;
    size_t g, r;

    if (!s->opt->risk_table && !s->opt->kmunicate)
        return 0;
    w = plot_measure(s->b, "Number at risk", size, 1).width;
    for (g = 0; g < s->n_curves; g++)
        w = fmax(w, KM_KEY_LENGTH + 4 + plot_measure(s->b, s->groups[g].label,
                                                      s->groups[g].risk_label_size, 0).width);
    if (s->opt->kmunicate)
        for (r = 0; r < 3; r++)
            w = fmax(w, 8 + plot_measure(s->b, s->row_names[r], size, 0).width);
    return w;
}

/* Fit risk-table labels into at most a third of the page. */
static void km_fit_labels(km_state *s, double size)
{
    double room = s->b ? plot_builder_list(s->b)->width / 3 - KM_KEY_LENGTH - 4 : 0;
    size_t g;

    for (g = 0; g < s->n_curves; g++) {
        const char *label = s->curves[g].label;
        char fallback[32];

        if (label == NULL) {
            snprintf(fallback, sizeof fallback, "Group %zu", g + 1);
            label = fallback;
        }
        free(s->groups[g].label);
        s->groups[g].label = plot_fit_text(s->b, label, size, PLOT_MIN_FONT, 0, room,
                                           &s->groups[g].risk_label_size);
    }
}

/*
** Choose the x breaks, table font and margins so that tick labels and
** numbers at risk stand apart: try every break at shrinking fonts down to
** 7 pt, then every second break, every third, ...  A single break always
** fits unless the labels leave the panel less than an inch.  Sets the
** panel's left/right edges.
*/
static void km_layout_x(km_state *s, double y_label_room)
{
    onc_plot_list *list = plot_builder_list(s->b);
    onc_plot_panel *p = &list->panel;
    double x[ONC_PLOT_MAX_BREAKS], w[ONC_PLOT_MAX_BREAKS];
    double numbers[ONC_PLOT_MAX_BREAKS], ticks[ONC_PLOT_MAX_BREAKS];
    const double floor_size = 7.0;
    int table = s->opt->risk_table || s->opt->kmunicate;
    size_t stride, i, g;

    for (g = 0; g < s->n_curves; g++)
        km_count(&s->curves[g], s->all_breaks, s->n_all, s->groups[g].all_at_risk,
                 s->groups[g].all_events, s->groups[g].all_censored);
    for (i = 0; i < s->n_all; i++)
        numbers[i] = table ? km_column_width(s, i) : 0;
    for (stride = 1; stride <= s->n_all; stride++) {
        double size;
        char buf[32];

        km_select_breaks(s, stride);
        for (i = 0; i < s->n_breaks; i++) {
            plot_format_tick(s->breaks[i], s->decimals, 1, buf, sizeof buf);
            ticks[i] = fmax(plot_measure(s->b, buf, KM_REFERENCE_SIZE, 0).width,
                            numbers[i * stride]);
        }
        for (size = s->font.tick; size >= floor_size - 1e-9; size -= 0.5) {
            double left, right, label_col;

            km_fit_labels(s, size);
            label_col = km_label_column(s, size);
            for (i = 0; i < s->n_breaks; i++)
                w[i] = ticks[i] * size / KM_REFERENCE_SIZE;
            left = PLOT_MARGIN + fmax(y_label_room,
                                      label_col > 0 ? label_col + 2 * PLOT_TEXT_GAP + w[0] / 2
                                                    : 0);
            right = PLOT_MARGIN + w[s->n_breaks - 1] / 2;
            p->left = left;
            p->right = list->width - right;
            if (plot_builder_status(s->b) != ONC_OK)
                return;
            if (p->right - p->left < 72)
                continue;
            for (i = 0; i < s->n_breaks; i++)
                x[i] = onc_plot_panel_x(p, s->breaks[i]);
            /* no column may run into the right margin */
            for (i = 0; i < s->n_breaks; i++)
                if (x[i] + w[i] / 2 > list->width - PLOT_MARGIN + 1e-9)
                    break;
            if (i == s->n_breaks &&
                plot_labels_fit(x, w, s->n_breaks, PLOT_TEXT_GAP + 1)) {
                s->font.table = size;
                return;
            }
        }
    }
    plot_builder_fail(s->b, ONC_ERR_USAGE,
                      "KM figure: the labels leave less than an inch for the panel; widen the "
                      "figure or shorten the labels");
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */
/* ------------------------------------------------------------------ */

static void km_draw_curve(km_state *s, size_t g)
{
    const onc_plot_curve *c = &s->curves[g];
    const onc_plot_panel *p = &plot_builder_list(s->b)->panel;
    double t_end = s->groups[g].t_end, level;
    onc_plot_color color = onc_plot_palette(g);
    km_path path = {0};
    size_t i;
    onc_plot_op *op;

    level = km_level(s, c->surv[0]);
    km_path_push(&path, onc_plot_panel_x(p, 0), onc_plot_panel_y(p, level));
    for (i = 1; i < c->n_steps && c->time[i] <= t_end; i++) {
        double next = km_level(s, c->surv[i]);

        if (next == level)
            continue;
        km_path_step(&path, onc_plot_panel_x(p, c->time[i]), onc_plot_panel_y(p, level),
                     onc_plot_panel_y(p, next));
        level = next;
    }
    km_path_push(&path, onc_plot_panel_x(p, t_end), onc_plot_panel_y(p, level));
    if (path.failed)
        plot_builder_fail(s->b, ONC_ERR_NOMEM, "out of memory while drawing a curve");
    else if (t_end > 0 || path.n > 2) {
        op = plot_add_line(s->b, ONC_PLOT_ROLE_CURVE, (long)g, -1, path.n, path.x, path.y,
                           color, KM_CURVE_WIDTH, onc_plot_group_dash(g));
        if (op != NULL)
            op->clip = 1;
    }
    km_path_free(&path);
}

/* One translucent polygon per run of steps with both limits defined. */
static void km_draw_band(km_state *s, size_t g)
{
    const onc_plot_curve *c = &s->curves[g];
    const onc_plot_panel *p = &plot_builder_list(s->b)->panel;
    double t_end = s->groups[g].t_end;
    onc_plot_color fill = plot_with_alpha(onc_plot_palette(g), 0.18);
    km_path up = {0}, lo = {0};
    size_t a = 0, i, k;

    if (c->lower == NULL || c->upper == NULL)
        return;
    while (a < c->n_steps && c->time[a] <= t_end) {
        size_t bnd;
        double t_stop;

        if (isnan(c->lower[a]) || isnan(c->upper[a])) {
            a++;
            continue;
        }
        for (bnd = a; bnd + 1 < c->n_steps && c->time[bnd + 1] <= t_end &&
                      !isnan(c->lower[bnd + 1]) && !isnan(c->upper[bnd + 1]); bnd++)
            ;
        t_stop = bnd + 1 < c->n_steps && c->time[bnd + 1] <= t_end ? c->time[bnd + 1] : t_end;
        up.n = lo.n = 0;
        km_path_push(&up, onc_plot_panel_x(p, c->time[a]),
                     onc_plot_panel_y(p, km_level(s, c->upper[a])));
        km_path_push(&lo, onc_plot_panel_x(p, c->time[a]),
                     onc_plot_panel_y(p, km_level(s, c->lower[a])));
        for (i = a + 1; i <= bnd; i++) {
            double x = onc_plot_panel_x(p, c->time[i]);

            km_path_step(&up, x, onc_plot_panel_y(p, km_level(s, c->upper[i - 1])),
                         onc_plot_panel_y(p, km_level(s, c->upper[i])));
            km_path_step(&lo, x, onc_plot_panel_y(p, km_level(s, c->lower[i - 1])),
                         onc_plot_panel_y(p, km_level(s, c->lower[i])));
        }
        km_path_push(&up, onc_plot_panel_x(p, t_stop),
                     onc_plot_panel_y(p, km_level(s, c->upper[bnd])));
        km_path_push(&lo, onc_plot_panel_x(p, t_stop),
                     onc_plot_panel_y(p, km_level(s, c->lower[bnd])));
        for (k = lo.n; k-- > 0;)
            km_path_push(&up, lo.x[k], lo.y[k]);
        if (up.failed || lo.failed) {
            plot_builder_fail(s->b, ONC_ERR_NOMEM, "out of memory while drawing a band");
            break;
        }
        if (t_stop > c->time[a]) {
            onc_plot_op *op = plot_add_polygon(s->b, ONC_PLOT_ROLE_CI_BAND, (long)g, -1, up.n,
                                               up.x, up.y, fill, plot_none(), 0);

            if (op != NULL)
                op->clip = 1;
        }
        a = bnd + 1;
    }
    km_path_free(&up);
    km_path_free(&lo);
}

static void km_draw_censor(km_state *s, size_t g)
{
    const onc_plot_curve *c = &s->curves[g];
    const onc_plot_panel *p = &plot_builder_list(s->b)->panel;
    double last_x = NAN, last_y = NAN;
    long mark = 0;
    size_t i;

    for (i = 0; i < c->n_censor; i++) {
        double x, y;
        onc_plot_op *op;

        if (c->censor_time[i] > s->groups[g].t_end || c->censor_time[i] < 0)
            continue;
        x = onc_plot_panel_x(p, c->censor_time[i]);
        y = onc_plot_panel_y(p, km_level(s, c->censor_surv[i]));
        /* marks that would print on top of each other are drawn once */
        if (fabs(x - last_x) < 0.1 && fabs(y - last_y) < 0.1)
            continue;
        op = plot_add_marker(s->b, ONC_PLOT_ROLE_CENSOR, (long)g, mark++,
                             ONC_PLOT_MARKER_PLUS, x, y, KM_CENSOR_SIZE, plot_none(),
                             onc_plot_palette(g), 0.8);
        if (op != NULL)
            op->clip = 1;
        last_x = x;
        last_y = y;
    }
}

static void km_draw_median(km_state *s, size_t g)
{
    const onc_plot_curve *c = &s->curves[g];
    const onc_plot_panel *p = &plot_builder_list(s->b)->panel;
    onc_plot_color grey = plot_grey(0.35);
    double x, y;
    onc_plot_op *op;

    if (isnan(c->median) || c->median > s->groups[g].t_end || 0.5 > s->ymax)
        return;
    x = onc_plot_panel_x(p, c->median);
    y = onc_plot_panel_y(p, 0.5);
    op = plot_add_segment(s->b, ONC_PLOT_ROLE_MEDIAN, (long)g, 0, p->left, y, x, y, grey, 0.6,
                          ONC_PLOT_DASH_DASHED);
    if (op != NULL)
        op->clip = 1;
    op = plot_add_segment(s->b, ONC_PLOT_ROLE_MEDIAN, (long)g, 1, x, y, x, p->bottom, grey, 0.6,
                          ONC_PLOT_DASH_DASHED);
    if (op != NULL)
        op->clip = 1;
}

static void km_draw_axes(km_state *s)
{
    onc_plot_list *list = plot_builder_list(s->b);
    const onc_plot_panel *p = &list->panel;
    onc_plot_color black = plot_black();
    double scale = s->opt->y_percent ? 100 : 1;
    char buf[32];
    size_t i;

    plot_add_segment(s->b, ONC_PLOT_ROLE_AXIS, 0, -1, p->left, p->bottom, p->right, p->bottom,
                     black, PLOT_AXIS_WIDTH, ONC_PLOT_DASH_SOLID);
    plot_add_segment(s->b, ONC_PLOT_ROLE_AXIS, 1, -1, p->left, p->bottom, p->left, p->top,
                     black, PLOT_AXIS_WIDTH, ONC_PLOT_DASH_SOLID);
    for (i = 0; i < s->n_breaks; i++) {
        double x = onc_plot_panel_x(p, s->breaks[i]);

        plot_add_segment(s->b, ONC_PLOT_ROLE_TICK, 0, (long)i, x, p->bottom, x,
                         p->bottom + PLOT_TICK_LENGTH, black, PLOT_AXIS_WIDTH,
                         ONC_PLOT_DASH_SOLID);
        plot_format_tick(s->breaks[i], s->decimals, 1, buf, sizeof buf);
        plot_add_text(s->b, ONC_PLOT_ROLE_TICK_LABEL, 0, (long)i, buf, x,
                      p->bottom + PLOT_TICK_LENGTH + 2, s->font.table, 0,
                      ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_TOP, 0, black);
    }
    for (i = 0; i < s->n_ybreaks; i++) {
        double y = onc_plot_panel_y(p, s->ybreaks[i]);

        plot_add_segment(s->b, ONC_PLOT_ROLE_TICK, 1, (long)i, p->left - PLOT_TICK_LENGTH, y,
                         p->left, y, black, PLOT_AXIS_WIDTH, ONC_PLOT_DASH_SOLID);
        plot_format_tick(s->ybreaks[i], s->ydecimals, scale, buf, sizeof buf);
        plot_add_text(s->b, ONC_PLOT_ROLE_TICK_LABEL, 1, (long)i, buf,
                      p->left - PLOT_TICK_LENGTH - 2, y, s->font.tick, 0,
                      ONC_PLOT_HALIGN_RIGHT, ONC_PLOT_VALIGN_MIDDLE, 0, black);
    }
}

/*
** Legend entries "label (n = N)" with a line sample in the curve's style,
** fitted to at most 55 % of the panel's width.  The legend goes inside the
** panel when it takes at most half its height (more would hide the
** curves), otherwise in rows above the panel.
*/
typedef struct km_legend {
    char **text;
    double *width;           /* key and text */
    double size, pitch, w;
    double flow_x[KM_MAX_CURVES];
    size_t flow_row[KM_MAX_CURVES];
    size_t flow_rows;        /* 0: inside the panel */
} km_legend;

static void km_legend_prepare(km_state *s, km_legend *lg, double panel_width)
{
    double room = 0.55 * panel_width - KM_KEY_LENGTH - 6;
    size_t g;

    lg->size = s->font.legend;
    lg->text = onc_callocarray(s->n_curves, sizeof *lg->text);
    lg->width = onc_callocarray(s->n_curves, sizeof *lg->width);
    if (lg->text == NULL || lg->width == NULL) {
        plot_builder_fail(s->b, ONC_ERR_NOMEM, "out of memory while drawing the legend");
        return;
    }
    for (g = 0; g < s->n_curves; g++) {
        const onc_plot_curve *c = &s->curves[g];
        size_t n = c->n > 0 ? c->n : c->n_obs;
        char entry[600];
        double fitted;

        if (c->label != NULL)
            snprintf(entry, sizeof entry, "%s (n = %zu)", c->label, n);
        else
            snprintf(entry, sizeof entry, "Group %zu (n = %zu)", g + 1, n);
        lg->text[g] = plot_fit_text(s->b, entry, lg->size, PLOT_MIN_FONT, 0, room, &fitted);
        lg->size = fmin(lg->size, fitted);
    }
    if (plot_builder_status(s->b) != ONC_OK)
        return;
    lg->pitch = plot_measure(s->b, "Ag", lg->size, 0).height * 1.15;
    lg->w = 0;
    for (g = 0; g < s->n_curves; g++) {
        lg->pitch = fmax(lg->pitch, plot_measure(s->b, lg->text[g], lg->size, 0).height * 1.1);
        lg->width[g] = KM_KEY_LENGTH + 4 + plot_measure(s->b, lg->text[g], lg->size, 0).width;
        lg->w = fmax(lg->w, lg->width[g]);
    }
}

/* Switch to rows above the panel; returns the height they take. */
static double km_legend_flow(km_state *s, km_legend *lg, double width)
{
    lg->flow_rows = plot_flow(lg->width, s->n_curves, width, 14, lg->flow_x, lg->flow_row);
    return lg->pitch * (double)lg->flow_rows + 4;
}

static void km_legend_entry(km_state *s, const km_legend *lg, size_t g, double x, double y)
{
    plot_add_segment(s->b, ONC_PLOT_ROLE_LEGEND_KEY, (long)g, 0, x, y, x + KM_KEY_LENGTH, y,
                     onc_plot_palette(g), KM_CURVE_WIDTH, onc_plot_group_dash(g));
    plot_add_text(s->b, ONC_PLOT_ROLE_LEGEND, (long)g, -1, lg->text[g], x + KM_KEY_LENGTH + 4, y,
                  lg->size, 0, ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_MIDDLE, 0, plot_black());
}

/* Draw the legend; returns its box when it is inside the panel. */
static onc_plot_box km_draw_legend(km_state *s, const km_legend *lg, double flow_top)
{
    static const int survival_order[6] = {0, 2, 1, 3, 4, 5};
    static const int incidence_order[6] = {3, 0, 1, 2, 4, 5};
    onc_plot_box box = {0, 0, 0, 0};
    int found;
    size_t g;

    if (lg->text == NULL || plot_builder_status(s->b) != ONC_OK)
        return box;
    if (lg->flow_rows > 0) {
        double left = plot_builder_list(s->b)->panel.left;

        for (g = 0; g < s->n_curves; g++)
            km_legend_entry(s, lg, g, left + lg->flow_x[g],
                            flow_top + lg->pitch * ((double)lg->flow_row[g] + 0.5));
        return box;
    }
    box = plot_place_box(s->b, lg->w, lg->pitch * (double)s->n_curves, 6,
                         s->opt->cumulative_incidence ? incidence_order : survival_order, 6,
                         NULL, 0, &found);
    for (g = 0; g < s->n_curves; g++)
        km_legend_entry(s, lg, g, box.x0, box.y0 + lg->pitch * ((double)g + 0.5));
    return box;
}

static void km_legend_free(km_legend *lg, size_t n)
{
    size_t g;

    if (lg->text != NULL)
        for (g = 0; g < n; g++)
            free(lg->text[g]);
    free(lg->text);
    free(lg->width);
}

static void km_draw_annotation(km_state *s, const onc_plot_box *taken, size_t n_taken)
{
    const onc_plot_panel *p = &plot_builder_list(s->b)->panel;
    static const int survival_order[6] = {1, 2, 0, 3, 5, 4};
    static const int incidence_order[6] = {0, 3, 2, 1, 4, 5};
    double size = s->font.legend;
    plot_extent e;
    onc_plot_box box;
    int found;

    if (s->opt->annotation == NULL || s->opt->annotation[0] == '\0')
        return;
    /* shrink to fit half the panel; a multi-line text is never cut */
    for (e = plot_measure(s->b, s->opt->annotation, size, 0);
         e.width > 0.45 * (p->right - p->left) && size > PLOT_MIN_FONT;
         e = plot_measure(s->b, s->opt->annotation, size, 0))
        size -= 0.5;
    box = plot_place_box(s->b, e.width, e.height, 6,
                         s->opt->cumulative_incidence ? incidence_order : survival_order, 6,
                         taken, n_taken, &found);
    plot_add_text(s->b, ONC_PLOT_ROLE_ANNOTATION, -1, -1, s->opt->annotation, box.x0, box.y0,
                  size, 0, ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_TOP, 0, plot_black());
}

/* The group's colour for numbers, darkened where it is too light to read
** as text (yellow, sky blue) on white paper. */
static onc_plot_color km_text_color(size_t g)
{
    onc_plot_color c = onc_plot_palette(g);
    double luma = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;

    if (luma > 0.55) {
        c.r *= 0.55 / luma;
        c.g *= 0.55 / luma;
        c.b *= 0.55 / luma;
    }
    return c;
}

/* Row spacing of the risk table: CJK labels stand taller than Latin ones. */
static double km_row_pitch(km_state *s, double size)
{
    double h = plot_measure(s->b, "Ag", size, 0).height;
    size_t g;

    for (g = 0; g < s->n_curves; g++)
        h = fmax(h, plot_measure(s->b, s->groups[g].label, s->groups[g].risk_label_size,
                                 0).height);
    return h * 1.2;
}

/* Rows under the axis title; returns the y below the table. */
static double km_draw_table(km_state *s, double y)
{
    const onc_plot_panel *p = &plot_builder_list(s->b)->panel;
    onc_plot_color black = plot_black();
    double size = s->font.table, pitch;
    char buf[32];
    size_t g, j, r;

    if (!s->opt->risk_table && !s->opt->kmunicate)
        return y;
    pitch = km_row_pitch(s, size);
    plot_add_text(s->b, ONC_PLOT_ROLE_RISK_TITLE, -1, -1, "Number at risk", PLOT_MARGIN, y,
                  size, 1, ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_TOP, 0, black);
    y += pitch * 1.1;
    for (g = 0; g < s->n_curves; g++) {
        km_group *gr = &s->groups[g];
        double mid = y + pitch / 2 - pitch * 0.1;

        /* index 1: the key beside the risk table, 0: the legend's */
        plot_add_segment(s->b, ONC_PLOT_ROLE_LEGEND_KEY, (long)g, 1, PLOT_MARGIN, mid,
                         PLOT_MARGIN + KM_KEY_LENGTH, mid, onc_plot_palette(g), KM_CURVE_WIDTH,
                         onc_plot_group_dash(g));
        plot_add_text(s->b, ONC_PLOT_ROLE_RISK_LABEL, (long)g, -1, gr->label,
                      PLOT_MARGIN + KM_KEY_LENGTH + 4, y, gr->risk_label_size, 0,
                      ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_TOP, 0, black);
        if (s->opt->kmunicate) {
            y += pitch;
            for (r = 0; r < 3; r++) {
                plot_add_text(s->b, ONC_PLOT_ROLE_RISK_LABEL, (long)g, (long)r,
                              s->row_names[r], PLOT_MARGIN + 8, y, size, 0,
                              ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_TOP, 0, black);
                for (j = 0; j < s->n_breaks; j++) {
                    size_t v = r == 0 ? gr->at_risk[j] : r == 1 ? gr->censored[j] : gr->events[j];
                    onc_plot_role role = r == 0 ? ONC_PLOT_ROLE_ATRISK :
                                         r == 1 ? ONC_PLOT_ROLE_CENSORED : ONC_PLOT_ROLE_EVENTS;

                    snprintf(buf, sizeof buf, "%zu", v);
                    plot_add_text(s->b, role, (long)g, (long)j, buf,
                                  onc_plot_panel_x(p, s->breaks[j]), y, size, 0,
                                  ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_TOP, 0, black);
                }
                y += pitch;
            }
            y += pitch * 0.3;
        } else {
            for (j = 0; j < s->n_breaks; j++) {
                snprintf(buf, sizeof buf, "%zu", gr->at_risk[j]);
                plot_add_text(s->b, ONC_PLOT_ROLE_ATRISK, (long)g, (long)j, buf,
                              onc_plot_panel_x(p, s->breaks[j]), y, size, 0,
                              ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_TOP, 0,
                              km_text_color(g));
            }
            y += pitch;
        }
    }
    return y;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

void onc_plot_km_options_init(onc_plot_km_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->show_censor = 1;
    opt->risk_table = 1;
}

/* Per-curve ends: last observation, min_at_risk cut. */
static onc_status km_curve_ends(km_state *s, onc_error *err)
{
    size_t g, i, k = (size_t)ceil(s->opt->min_at_risk);

    for (g = 0; g < s->n_curves; g++) {
        const onc_plot_curve *c = &s->curves[g];
        km_group *gr = &s->groups[g];
        double last = 0, cut = INFINITY;

        for (i = 0; i < c->n_obs; i++)
            last = fmax(last, c->obs_time[i]);
        gr->t_last = last;
        if (k > c->n_obs)
            cut = 0;
        else if (k > 0 && km_kth_largest(c->obs_time, c->n_obs, k, &cut) != 0)
            return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                                 "out of memory while finding where %zu remain at risk", k);
        gr->t_end = fmin(last, cut);
    }
    return ONC_OK;
}

static onc_status km_axis_breaks(km_state *s, onc_error *err)
{
    const onc_plot_km_options *opt = s->opt;
    double data_end = 0;
    size_t g, i;
    onc_status st;

    for (g = 0; g < s->n_curves; g++)
        data_end = fmax(data_end, s->groups[g].t_end);
    if (opt->n_breaks > 0) {
        s->axis_end = opt->xmax > 0 ? opt->xmax : fmax(data_end, opt->breaks[opt->n_breaks - 1]);
        s->n_all = 0;
        for (i = 0; i < opt->n_breaks; i++)
            if (opt->breaks[i] <= s->axis_end * (1 + 1e-12))
                s->all_breaks[s->n_all++] = opt->breaks[i];
    } else {
        st = onc_plot_time_breaks(opt->xmax > 0 ? opt->xmax : data_end, opt->time_unit,
                                  s->all_breaks, ONC_PLOT_MAX_BREAKS, &s->n_all, err);
        if (st != ONC_OK)
            return st;
        if (opt->xmax > 0) {
            s->axis_end = opt->xmax;
            while (s->n_all > 1 && s->all_breaks[s->n_all - 1] > opt->xmax * (1 + 1e-12))
                s->n_all--;
        } else {
            s->axis_end = s->all_breaks[s->n_all - 1];
        }
    }
    if (s->n_all == 0 || !(s->axis_end > 0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: no break lies within the time axis 0 to %g",
                             s->axis_end);
    for (g = 0; g < s->n_curves; g++)
        s->groups[g].t_end = fmin(s->groups[g].t_end, s->axis_end);

    s->ymax = opt->ymax > 0 ? opt->ymax : 1;
    if (s->ymax == 1) {
        /* quarters put a tick on the median line */
        for (i = 0; i < 5; i++)
            s->ybreaks[i] = 0.25 * (double)i;
        s->n_ybreaks = 5;
    } else {
        st = onc_plot_pretty(0, s->ymax, 5, s->ybreaks, ONC_PLOT_MAX_BREAKS, &s->n_ybreaks, err);
        if (st != ONC_OK)
            return st;
        while (s->n_ybreaks > 1 && s->ybreaks[s->n_ybreaks - 1] > s->ymax * (1 + 1e-12))
            s->n_ybreaks--;
    }
    {
        double scaled[ONC_PLOT_MAX_BREAKS];

        for (i = 0; i < s->n_ybreaks; i++)
            scaled[i] = s->ybreaks[i] * (opt->y_percent ? 100 : 1);
        s->ydecimals = onc_plot_tick_decimals(scaled, s->n_ybreaks);
        /* 0.25 steps print as 0.00 ... 1.00, the survival-plot convention */
        if (!opt->y_percent && s->ydecimals == 1)
            s->ydecimals = 2;
    }
    return ONC_OK;
}

onc_status onc_plot_km_build(const onc_plot_curve *curves, size_t n_curves,
                             const onc_plot_km_options *options,
                             onc_plot_list **out, onc_error *err)
{
    onc_plot_km_options defaults;
    const onc_plot_km_options *opt = options;
    km_state *s = NULL;
    onc_plot_list *list;
    onc_plot_panel *p;
    onc_status st;
    size_t g, i;
    double y, y_label_room, title_h = 0, xtitle_h, panel_h;
    const char *xlabel, *ylabel;
    char xlabel_buf[160];
    onc_plot_box taken[1];
    km_legend legend;
    double legend_top = 0;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "KM figure: no output given");
    *out = NULL;
    if (opt == NULL) {
        onc_plot_km_options_init(&defaults);
        opt = &defaults;
    }
    if (curves == NULL || n_curves == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: no curves to draw");
    if (n_curves > KM_MAX_CURVES)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "KM figure: %zu curves; at most %d can be told apart",
                             n_curves, KM_MAX_CURVES);
    if ((st = km_check_options(opt, err)) != ONC_OK)
        return st;

    memset(&legend, 0, sizeof legend);
    s = onc_callocarray(1, sizeof *s);
    if (s == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
    s->curves = curves;
    s->n_curves = n_curves;
    s->opt = opt;
    s->row_names[0] = "At risk";
    s->row_names[1] = "Censored";
    s->row_names[2] = "Events";
    s->groups = onc_callocarray(n_curves, sizeof *s->groups);
    if (s->groups == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
        goto cleanup;
    }
    for (g = 0; g < n_curves; g++) {
        km_group *gr = &s->groups[g];

        if (curves[g].label != NULL && plot_utf8_valid(curves[g].label))
            snprintf(gr->name, sizeof gr->name, "curve %zu ('%.60s')", g + 1, curves[g].label);
        else
            snprintf(gr->name, sizeof gr->name, "curve %zu", g + 1);
        if ((st = km_check_curve(&curves[g], gr->name, err)) != ONC_OK)
            goto cleanup;
        gr->at_risk = onc_callocarray(ONC_PLOT_MAX_BREAKS + 1, sizeof(size_t));
        gr->events = onc_callocarray(ONC_PLOT_MAX_BREAKS + 1, sizeof(size_t));
        gr->censored = onc_callocarray(ONC_PLOT_MAX_BREAKS + 1, sizeof(size_t));
        gr->all_at_risk = onc_callocarray(ONC_PLOT_MAX_BREAKS + 1, sizeof(size_t));
        gr->all_events = onc_callocarray(ONC_PLOT_MAX_BREAKS + 1, sizeof(size_t));
        gr->all_censored = onc_callocarray(ONC_PLOT_MAX_BREAKS + 1, sizeof(size_t));
        if (gr->at_risk == NULL || gr->events == NULL || gr->censored == NULL ||
            gr->all_at_risk == NULL || gr->all_events == NULL || gr->all_censored == NULL) {
            st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
            goto cleanup;
        }
    }
    if ((st = km_curve_ends(s, err)) != ONC_OK || (st = km_axis_breaks(s, err)) != ONC_OK)
        goto cleanup;
    if ((st = plot_builder_new(opt->width_in, opt->height_in, opt->dpi, &s->b, err)) != ONC_OK)
        goto cleanup;
    list = plot_builder_list(s->b);
    p = &list->panel;

    s->font.base = opt->font_size > 0 ? opt->font_size : PLOT_DEFAULT_FONT;
    s->font.tick = fmax(PLOT_MIN_FONT, s->font.base * 0.9);
    s->font.table = s->font.tick;
    s->font.axis = s->font.base;
    s->font.title = s->font.base * 1.15;
    s->font.legend = fmax(PLOT_MIN_FONT, s->font.base * 0.9);

    if (opt->time_unit != NULL && opt->time_unit[0] != '\0')
        snprintf(xlabel_buf, sizeof xlabel_buf, "Time (%.100s)", opt->time_unit);
    else
        snprintf(xlabel_buf, sizeof xlabel_buf, "Time");
    xlabel = opt->xlabel != NULL ? opt->xlabel : xlabel_buf;
    ylabel = opt->ylabel != NULL ? opt->ylabel :
             opt->cumulative_incidence ? (opt->y_percent ? "Cumulative incidence (%)"
                                                         : "Cumulative incidence")
                                       : (opt->y_percent ? "Survival (%)"
                                                         : "Survival probability");

    /* Horizontal layout: room for the y axis, then the risk table decides. */
    {
        double wmax = 0;
        char buf[32];

        for (i = 0; i < s->n_ybreaks; i++) {
            plot_format_tick(s->ybreaks[i], s->ydecimals, opt->y_percent ? 100 : 1, buf,
                             sizeof buf);
            wmax = fmax(wmax, plot_measure(s->b, buf, s->font.tick, 0).width);
        }
        y_label_room = plot_measure(s->b, ylabel, s->font.axis, 0).height + PLOT_TEXT_GAP +
                       wmax + 2 + PLOT_TICK_LENGTH;
    }
    p->x_min = 0;
    p->x_max = s->axis_end;
    p->y_min = 0;
    p->y_max = s->ymax;
    km_layout_x(s, y_label_room);
    if (plot_builder_status(s->b) != ONC_OK)
        goto finish;

    /* Vertical layout, top down. */
    y = PLOT_MARGIN;
    if (opt->title != NULL && opt->title[0] != '\0')
        title_h = plot_measure(s->b, opt->title, s->font.title, 1).height + 4;
    p->top = y + title_h + plot_measure(s->b, "0", s->font.tick, 0).height / 2 + 2;
    legend_top = y + title_h;
    xtitle_h = plot_measure(s->b, xlabel, s->font.axis, 0).height;
    {
        /* below the panel: ticks, labels, x title, table */
        double below = PLOT_TICK_LENGTH + 2 + plot_measure(s->b, "0", s->font.table, 0).height +
                       3 + xtitle_h + PLOT_MARGIN;
        double pitch = km_row_pitch(s, s->font.table);

        if (opt->risk_table || opt->kmunicate)
            below += 8 + pitch * 1.1 +
                     (double)n_curves * (opt->kmunicate ? pitch * 4.3 : pitch);
        km_legend_prepare(s, &legend, p->right - p->left);
        if (plot_builder_status(s->b) != ONC_OK)
            goto finish;
        panel_h = opt->height_in > 0 ? list->height - p->top - below : list->width * 0.5;
        if (legend.pitch * (double)n_curves + 12 > panel_h / 2) {
            /* too tall for the panel: rows above it, spanning its width */
            double h = km_legend_flow(s, &legend, p->right - p->left);

            p->top += h;
            panel_h -= opt->height_in > 0 ? h : 0;
        }
        if (opt->height_in > 0) {
            if (panel_h < 72) {
                plot_builder_fail(s->b, ONC_ERR_USAGE,
                                  "KM figure: a height of %g in leaves %.0f pt for the panel; "
                                  "make the figure at least %.1f in high", opt->height_in,
                                  panel_h, (p->top + below + 72) / 72);
                goto finish;
            }
        } else {
            plot_builder_resize(s->b, p->top + panel_h + below);
        }
    }
    p->bottom = p->top + panel_h;

    if (title_h > 0) {
        double fitted;
        char *t = plot_fit_text(s->b, opt->title, s->font.title, PLOT_MIN_FONT, 1,
                                list->width - 2 * PLOT_MARGIN, &fitted);

        if (t != NULL) {
            /* centred over the panel as far as the page allows */
            double w = plot_measure(s->b, t, fitted, 1).width;
            double x = fmin(fmax((p->left + p->right) / 2, PLOT_MARGIN + w / 2),
                            list->width - PLOT_MARGIN - w / 2);

            plot_add_text(s->b, ONC_PLOT_ROLE_TITLE, -1, -1, t, x, y, fitted, 1,
                          ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_TOP, 0, plot_black());
        }
        free(t);
    }

    /* Data first, so the legend and annotation can avoid it. */
    for (g = 0; g < n_curves; g++)
        if (opt->show_ci)
            km_draw_band(s, g);
    for (g = 0; g < n_curves; g++) {
        km_draw_curve(s, g);
        if (opt->show_censor)
            km_draw_censor(s, g);
        if (opt->show_median)
            km_draw_median(s, g);
    }
    km_draw_axes(s);
    {
        double fitted;
        char *t = plot_fit_text(s->b, ylabel, s->font.axis, PLOT_MIN_FONT, 0, panel_h, &fitted);

        if (t != NULL)
            plot_add_text(s->b, ONC_PLOT_ROLE_AXIS_TITLE, 1, -1, t, p->left - y_label_room,
                          (p->top + p->bottom) / 2, fitted, 0, ONC_PLOT_HALIGN_CENTER,
                          ONC_PLOT_VALIGN_TOP, 1, plot_black());
        free(t);
        y = p->bottom + PLOT_TICK_LENGTH + 2 + plot_measure(s->b, "0", s->font.table, 0).height +
            3;
        t = plot_fit_text(s->b, xlabel, s->font.axis, PLOT_MIN_FONT, 0, p->right - p->left,
                          &fitted);
        if (t != NULL)
            plot_add_text(s->b, ONC_PLOT_ROLE_AXIS_TITLE, 0, -1, t, (p->left + p->right) / 2, y,
                          fitted, 0, ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_TOP, 0,
                          plot_black());
        free(t);
        y += xtitle_h + 8;
    }
    km_draw_table(s, y);
    taken[0] = km_draw_legend(s, &legend, legend_top);
    km_draw_annotation(s, taken, legend.flow_rows > 0 ? 0 : 1);

finish:
    st = plot_builder_finish(s->b, out, err);
    s->b = NULL;

cleanup:
    km_legend_free(&legend, n_curves);
    if (s != NULL) {
        plot_builder_finish(s->b, NULL, NULL);
        if (s->groups != NULL)
            for (g = 0; g < n_curves; g++) {
                free(s->groups[g].label);
                free(s->groups[g].at_risk);
                free(s->groups[g].events);
                free(s->groups[g].censored);
                free(s->groups[g].all_at_risk);
                free(s->groups[g].all_events);
                free(s->groups[g].all_censored);
            }
        free(s->groups);
        free(s);
    }
    return st;
}

onc_status onc_plot_km(const onc_plot_curve *curves, size_t n_curves,
                       const onc_plot_km_options *opt, const char *path, onc_error *err)
{
    onc_plot_list *list = NULL;
    onc_status st;

    if (onc_plot_format_from_path(path) == ONC_PLOT_FORMAT_UNKNOWN)
        return onc_error_set(err, ONC_ERR_USAGE, path, 0, 0, NULL,
                             "unknown figure format: the name must end in .png, .svg or .pdf");
    st = onc_plot_km_build(curves, n_curves, opt, &list, err);
    if (st == ONC_OK)
        st = onc_plot_list_write(list, path, err);
    onc_plot_list_free(list);
    return st;
}
