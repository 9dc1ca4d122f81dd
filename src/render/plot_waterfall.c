/*
** plot_waterfall.c -- waterfall plot of each patient's best percentage
** change in tumour size, bars sorted from the largest increase to the
** largest decrease and coloured by best response (or arm), with dashed
** lines at the response thresholds of the criteria used:
**   RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228) and mRECIST:
**     +20 % (progression, from the nadir) and -30 % (partial response);
**   Choi (Choi et al., J Clin Oncol 2007;25:1753), size criterion:
**     +10 % and -10 %.
** The lines are a reading aid; the colours carry the actual responses,
** which also depend on new lesions, non-target disease and confirmation.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/plot.h"
#include "core/internal.h"
#include "render/plot_internal.h"

#define WATERFALL_MAX_BARS 100000
#define WATERFALL_MAX_CATEGORIES 32
#define WATERFALL_DEFAULT_HEIGHT_IN 4.0
#define WATERFALL_SWATCH 8.0

typedef struct waterfall_state {
    const onc_plot_waterfall_bar *bars;
    size_t n_bars;
    const onc_plot_waterfall_options *opt;
    plot_builder *b;
    const char *categories[WATERFALL_MAX_CATEGORIES];
    size_t n_categories;
    size_t *order;           /* bar indices, largest change first */
    size_t *category;        /* category of each bar */
} waterfall_state;

static void waterfall_bar_name(const onc_plot_waterfall_bar *bar, size_t i, char *buf, size_t cap)
{
    if (bar->id != NULL && bar->id[0] != '\0' && plot_utf8_valid(bar->id))
        snprintf(buf, cap, "patient '%.60s'", bar->id);
    else
        snprintf(buf, cap, "bar %zu", i + 1);
}

static int waterfall_same(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* Map each bar to a category: the given order, or order of appearance. */
static onc_status waterfall_categories(waterfall_state *s, onc_error *err)
{
    const onc_plot_waterfall_options *opt = s->opt;
    size_t i, k;
    char name[96];

    if (opt->categories != NULL) {
        if (opt->n_categories > WATERFALL_MAX_CATEGORIES)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "waterfall plot: %zu categories; at most %d can be told apart",
                                 opt->n_categories, WATERFALL_MAX_CATEGORIES);
        for (k = 0; k < opt->n_categories; k++) {
            if (!plot_utf8_valid(opt->categories[k]))
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "waterfall plot: category %zu is not valid UTF-8 text",
                                     k + 1);
            s->categories[k] = opt->categories[k];
        }
        s->n_categories = opt->n_categories;
    }
    for (i = 0; i < s->n_bars; i++) {
        const char *c = s->bars[i].category;

        for (k = 0; k < s->n_categories; k++)
            if (waterfall_same(s->categories[k], c))
                break;
        if (k == s->n_categories) {
            waterfall_bar_name(&s->bars[i], i, name, sizeof name);
            if (opt->categories != NULL)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "waterfall plot: %s: category '%.60s' is not among the "
                                     "categories given", name, c != NULL ? c : "");
            if (s->n_categories == WATERFALL_MAX_CATEGORIES)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "waterfall plot: more than %d categories",
                                     WATERFALL_MAX_CATEGORIES);
            s->categories[s->n_categories++] = c;
        }
        s->category[i] = k;
    }
    return ONC_OK;
}

static onc_status waterfall_check(const onc_plot_waterfall_bar *bars, size_t n,
                                  const onc_plot_waterfall_options *opt, onc_error *err)
{
    size_t i;
    char name[96];

    if (bars == NULL || n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "waterfall plot: no patients to draw");
    if (n > WATERFALL_MAX_BARS)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "waterfall plot: %zu bars; the limit is %d", n, WATERFALL_MAX_BARS);
    for (i = 0; i < n; i++) {
        waterfall_bar_name(&bars[i], i, name, sizeof name);
        if (!plot_utf8_valid(bars[i].id) || !plot_utf8_valid(bars[i].category))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "waterfall plot: bar %zu: an identifier or category is not "
                                 "valid UTF-8 text", i + 1);
        /* a decrease beyond -100 % is impossible for a size */
        if (!isfinite(bars[i].change) || bars[i].change < -100)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "waterfall plot: %s: best change %g %% is not a finite value "
                                 ">= -100", name, bars[i].change);
    }
    if (!plot_utf8_valid(opt->title) || !plot_utf8_valid(opt->ylabel))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "waterfall plot: a title or label is not valid UTF-8 text");
    if (!isfinite(opt->y_max) || opt->y_max < 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "waterfall plot: y_max must be finite and >= 0 (0 = no cap), not %g",
                             opt->y_max);
    if ((unsigned)opt->criteria > ONC_PLOT_CRITERIA_NONE)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "waterfall plot: unknown response criteria %d", (int)opt->criteria);
    if (opt->font_size != 0 && !(opt->font_size >= 4 && opt->font_size <= 24))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "waterfall plot: font size %g is outside 4 to 24 points",
                             opt->font_size);
    return ONC_OK;
}

/* Stable merge sort of bar indices by decreasing change. */
static void waterfall_sort(const onc_plot_waterfall_bar *bars, size_t *idx, size_t *tmp, size_t n)
{
    size_t mid = n / 2, i = 0, j = mid, k = 0;

    if (n < 2)
        return;
    waterfall_sort(bars, idx, tmp, mid);
    waterfall_sort(bars, idx + mid, tmp, n - mid);
    while (i < mid && j < n)
        tmp[k++] = bars[idx[j]].change > bars[idx[i]].change ? idx[j++] : idx[i++];
    while (i < mid)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

/* The dashed lines of each criteria set (NaN: none). */
static void waterfall_thresholds(onc_plot_criteria criteria, double *up, double *down)
{
    *up = *down = NAN;
    if (criteria == ONC_PLOT_CRITERIA_RECIST) {
        *up = 20;
        *down = -30;
    } else if (criteria == ONC_PLOT_CRITERIA_CHOI) {
        *up = 10;
        *down = -10;
    }
}

onc_status onc_plot_waterfall_build(const onc_plot_waterfall_bar *bars, size_t n_bars,
                                    const onc_plot_waterfall_options *options,
                                    onc_plot_list **out, onc_error *err)
{
    onc_plot_waterfall_options defaults;
    const onc_plot_waterfall_options *opt = options;
    waterfall_state s;
    onc_plot_list *list;
    onc_plot_panel *p;
    onc_plot_color black = plot_black();
    onc_status st;
    size_t *scratch = NULL, i, k, n_breaks;
    double breaks[ONC_PLOT_MAX_BREAKS], lo, hi, up, down, base, tick_size, slot, w;
    double wmax = 0, ytitle_h, id_room = 0, id_size = 0, ref_w = 0;
    int decimals, show_ids;
    double legend_size, legend_pitch, legend_col = 0, legend_w[WATERFALL_MAX_CATEGORIES];
    double flow_x[WATERFALL_MAX_CATEGORIES];
    size_t flow_row[WATERFALL_MAX_CATEGORIES], flow_rows = 0;
    const char *ylabel;
    char buf[32];

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "waterfall plot: no output given");
    *out = NULL;
    if (opt == NULL) {
        memset(&defaults, 0, sizeof defaults);
        opt = &defaults;
    }
    if ((st = waterfall_check(bars, n_bars, opt, err)) != ONC_OK)
        return st;
    memset(&s, 0, sizeof s);
    s.bars = bars;
    s.n_bars = n_bars;
    s.opt = opt;
    s.order = onc_mallocarray(n_bars, sizeof *s.order);
    s.category = onc_mallocarray(n_bars, sizeof *s.category);
    scratch = onc_mallocarray(n_bars, sizeof *scratch);
    if (s.order == NULL || s.category == NULL || scratch == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
        goto cleanup;
    }
    if ((st = waterfall_categories(&s, err)) != ONC_OK)
        goto cleanup;
    for (i = 0; i < n_bars; i++)
        s.order[i] = i;
    waterfall_sort(bars, s.order, scratch, n_bars);

    /* y range: the data, the threshold lines and zero; capped at y_max */
    waterfall_thresholds(opt->criteria, &up, &down);
    lo = 0;
    hi = 0;
    for (i = 0; i < n_bars; i++) {
        lo = fmin(lo, bars[i].change);
        hi = fmax(hi, bars[i].change);
    }
    if (!isnan(up)) {
        hi = fmax(hi, up);
        lo = fmin(lo, down);
    }
    if (opt->y_max > 0)
        hi = fmin(hi, opt->y_max);
    if ((st = onc_plot_pretty(lo, hi, 6, breaks, ONC_PLOT_MAX_BREAKS, &n_breaks, err)) != ONC_OK)
        goto cleanup;
    if (opt->y_max > 0) {
        while (n_breaks > 1 && breaks[n_breaks - 1] > opt->y_max * (1 + 1e-12))
            n_breaks--;
        hi = opt->y_max;
    } else {
        hi = breaks[n_breaks - 1];
    }
    lo = breaks[0];
    decimals = onc_plot_tick_decimals(breaks, n_breaks);

    if ((st = plot_builder_new(opt->width_in,
                               opt->height_in > 0 ? opt->height_in : WATERFALL_DEFAULT_HEIGHT_IN,
                               opt->dpi, &s.b, err)) != ONC_OK)
        goto cleanup;
    list = plot_builder_list(s.b);
    p = &list->panel;
    base = opt->font_size > 0 ? opt->font_size : PLOT_DEFAULT_FONT;
    tick_size = fmax(PLOT_MIN_FONT, base * 0.9);
    ylabel = opt->ylabel != NULL ? opt->ylabel : "Best change from baseline (%)";

    for (i = 0; i < n_breaks; i++) {
        plot_format_tick(breaks[i], decimals, 1, buf, sizeof buf);
        wmax = fmax(wmax, plot_measure(s.b, buf, tick_size, 0).width);
    }
    ytitle_h = plot_measure(s.b, ylabel, base, 0).height;
    if (!isnan(up)) {
        snprintf(buf, sizeof buf, "+%.0f%%", up);
        ref_w = plot_measure(s.b, buf, tick_size, 0).width;
        snprintf(buf, sizeof buf, "\xE2\x88\x92%.0f%%", -down);
        ref_w = fmax(ref_w, plot_measure(s.b, buf, tick_size, 0).width);
    }
    p->left = PLOT_MARGIN + ytitle_h + PLOT_TEXT_GAP + wmax + 2 + PLOT_TICK_LENGTH;
    p->right = list->width - PLOT_MARGIN - (ref_w > 0 ? ref_w + 4 : 0);
    p->top = PLOT_MARGIN + plot_measure(s.b, "0", tick_size, 0).height / 2 + 2;
    if (opt->title != NULL && opt->title[0] != '\0') {
        double fitted;
        char *t = plot_fit_text(s.b, opt->title, base * 1.15, PLOT_MIN_FONT, 1,
                                list->width - 2 * PLOT_MARGIN, &fitted);
        onc_plot_op *op = t != NULL ? plot_add_text(s.b, ONC_PLOT_ROLE_TITLE, -1, -1, t,
                                                    PLOT_MARGIN, PLOT_MARGIN, fitted, 1,
                                                    ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_TOP,
                                                    0, black)
                                    : NULL;

        if (op != NULL)
            p->top = op->box.y1 + 6 + plot_measure(s.b, "0", tick_size, 0).height / 2;
        free(t);
    }
    slot = (p->right - p->left) / (double)n_bars;

    /* Patient identifiers turned upright under the bars, if a slot holds one. */
    show_ids = 0;
    if (opt->show_ids) {
        for (id_size = tick_size; id_size >= PLOT_MIN_FONT - 1e-9; id_size -= 0.5)
            if (plot_measure(s.b, "Ag", id_size, 0).height + 1 <= slot)
                break;
        if (id_size >= PLOT_MIN_FONT - 1e-9) {
            show_ids = 1;
            for (i = 0; i < n_bars; i++)
                if (bars[i].id != NULL)
                    id_room = fmax(id_room, plot_measure(s.b, bars[i].id, id_size, 0).width);
            id_room = fmin(id_room, 72) + 4;
        }
    }
    /* legend: a column inside the panel, or rows under it when it would
    ** take more than half the panel's height */
    legend_size = fmax(PLOT_MIN_FONT, base * 0.9);
    legend_pitch = plot_measure(s.b, "Ag", legend_size, 0).height * 1.15;
    for (k = 0; k < s.n_categories; k++) {
        legend_w[k] = WATERFALL_SWATCH + 4 +
                      plot_measure(s.b, s.categories[k] != NULL ? s.categories[k] : "",
                                   legend_size, 0).width;
        legend_col = fmax(legend_col, legend_w[k]);
    }
    p->bottom = list->height - PLOT_MARGIN - id_room;
    if (legend_pitch * (double)s.n_categories + 12 > (p->bottom - p->top) / 2) {
        flow_rows = plot_flow(legend_w, s.n_categories, list->width - 2 * PLOT_MARGIN, 12,
                              flow_x, flow_row);
        p->bottom -= 6 + legend_pitch * (double)flow_rows;
    }
    if (p->bottom - p->top < 72) {
        plot_builder_fail(s.b, ONC_ERR_USAGE,
                          "waterfall plot: the figure is too small for its panel; make it "
                          "taller");
        goto finish;
    }
    p->x_min = 0;
    p->x_max = (double)n_bars;
    p->y_min = lo;
    p->y_max = hi;

    /* bars, left to right from the largest increase */
    w = slot * 0.8;
    for (k = 0; k < n_bars; k++) {
        size_t b = s.order[k];
        double v = bars[b].change, top = opt->y_max > 0 ? fmin(v, opt->y_max) : v;
        double xc = p->left + slot * ((double)k + 0.5);
        onc_plot_box box;

        box.x0 = xc - w / 2;
        box.x1 = xc + w / 2;
        box.y0 = onc_plot_panel_y(p, fmax(top, 0));
        box.y1 = onc_plot_panel_y(p, fmin(top, 0));
        plot_add_rect(s.b, ONC_PLOT_ROLE_BAR, (long)s.category[b], (long)b, box,
                      onc_plot_palette(s.category[b]), plot_none(), 0);
        if (opt->y_max > 0 && v > opt->y_max)
            plot_add_marker(s.b, ONC_PLOT_ROLE_ARROW, (long)s.category[b], (long)b,
                            ONC_PLOT_MARKER_ARROW_UP, xc, p->top, fmin(w, 6), black, plot_none(),
                            0);
        if (show_ids && bars[b].id != NULL && bars[b].id[0] != '\0') {
            double fitted;
            char *t = plot_fit_text(s.b, bars[b].id, id_size, id_size, 0, id_room - 4, &fitted);

            if (t != NULL)
                plot_add_text(s.b, ONC_PLOT_ROLE_ITEM_LABEL, (long)s.category[b], (long)b, t, xc,
                              p->bottom + 3, fitted, 0, ONC_PLOT_HALIGN_RIGHT,
                              ONC_PLOT_VALIGN_MIDDLE, 1, black);
            free(t);
        }
    }

    /* zero line, threshold lines with their labels in the right margin */
    plot_add_segment(s.b, ONC_PLOT_ROLE_AXIS, 0, -1, p->left, onc_plot_panel_y(p, 0), p->right,
                     onc_plot_panel_y(p, 0), black, PLOT_AXIS_WIDTH, ONC_PLOT_DASH_SOLID);
    if (!isnan(up)) {
        double ref[2];
        int r;

        ref[0] = up;
        ref[1] = down;
        for (r = 0; r < 2; r++) {
            double y = onc_plot_panel_y(p, ref[r]);

            if (ref[r] > hi || ref[r] < lo)
                continue;
            plot_add_segment(s.b, ONC_PLOT_ROLE_REFERENCE, r, -1, p->left, y, p->right, y,
                             plot_grey(0.3), 0.75, ONC_PLOT_DASH_DASHED);
            if (r == 0)
                snprintf(buf, sizeof buf, "+%.0f%%", ref[r]);
            else
                snprintf(buf, sizeof buf, "\xE2\x88\x92%.0f%%", -ref[r]);
            plot_add_text(s.b, ONC_PLOT_ROLE_REFERENCE, r, -1, buf, p->right + 4, y, tick_size, 0,
                          ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_MIDDLE, 0, plot_grey(0.3));
        }
    }

    /* y axis */
    plot_add_segment(s.b, ONC_PLOT_ROLE_AXIS, 1, -1, p->left, p->bottom, p->left, p->top, black,
                     PLOT_AXIS_WIDTH, ONC_PLOT_DASH_SOLID);
    for (i = 0; i < n_breaks; i++) {
        double y = onc_plot_panel_y(p, breaks[i]);

        plot_add_segment(s.b, ONC_PLOT_ROLE_TICK, 1, (long)i, p->left - PLOT_TICK_LENGTH, y,
                         p->left, y, black, PLOT_AXIS_WIDTH, ONC_PLOT_DASH_SOLID);
        plot_format_tick(breaks[i], decimals, 1, buf, sizeof buf);
        plot_add_text(s.b, ONC_PLOT_ROLE_TICK_LABEL, 1, (long)i, buf,
                      p->left - PLOT_TICK_LENGTH - 2, y, tick_size, 0, ONC_PLOT_HALIGN_RIGHT,
                      ONC_PLOT_VALIGN_MIDDLE, 0, black);
    }
    {
        double fitted;
        char *t = plot_fit_text(s.b, ylabel, base, PLOT_MIN_FONT, 0, p->bottom - p->top,
                                &fitted);

        if (t != NULL)
            plot_add_text(s.b, ONC_PLOT_ROLE_AXIS_TITLE, 1, -1, t, PLOT_MARGIN,
                          (p->top + p->bottom) / 2, fitted, 0, ONC_PLOT_HALIGN_CENTER,
                          ONC_PLOT_VALIGN_TOP, 1, black);
        free(t);
    }

    /* legend: a swatch and a name per category */
    if (s.n_categories > 1 || (s.n_categories == 1 && s.categories[0] != NULL &&
                               s.categories[0][0] != '\0')) {
        static const int order[4] = {0, 2, 3, 1};
        onc_plot_box box;
        int found;

        if (flow_rows == 0)
            box = plot_place_box(s.b, legend_col, legend_pitch * (double)s.n_categories, 6,
                                 order, 4, NULL, 0, &found);
        for (k = 0; k < s.n_categories; k++) {
            double x = flow_rows == 0 ? box.x0 : PLOT_MARGIN + flow_x[k];
            double y = flow_rows == 0 ? box.y0 + legend_pitch * ((double)k + 0.5)
                                      : p->bottom + id_room + 6 +
                                        legend_pitch * ((double)flow_row[k] + 0.5);
            onc_plot_box sw;

            sw.x0 = x;
            sw.x1 = x + WATERFALL_SWATCH;
            sw.y0 = y - WATERFALL_SWATCH / 2;
            sw.y1 = y + WATERFALL_SWATCH / 2;
            plot_add_rect(s.b, ONC_PLOT_ROLE_LEGEND_KEY, (long)k, -1, sw, onc_plot_palette(k),
                          plot_none(), 0);
            plot_add_text(s.b, ONC_PLOT_ROLE_LEGEND, (long)k, -1,
                          s.categories[k] != NULL ? s.categories[k] : "",
                          x + WATERFALL_SWATCH + 4, y, legend_size, 0, ONC_PLOT_HALIGN_LEFT,
                          ONC_PLOT_VALIGN_MIDDLE, 0, black);
        }
    }

finish:
    st = plot_builder_finish(s.b, out, err);
    s.b = NULL;

cleanup:
    plot_builder_finish(s.b, NULL, NULL);
    free(s.order);
    free(s.category);
    free(scratch);
    return st;
}

onc_status onc_plot_waterfall(const onc_plot_waterfall_bar *bars, size_t n_bars,
                              const onc_plot_waterfall_options *opt, const char *path,
                              onc_error *err)
{
    onc_plot_list *list = NULL;
    onc_status st;

    if (onc_plot_format_from_path(path) == ONC_PLOT_FORMAT_UNKNOWN)
        return onc_error_set(err, ONC_ERR_USAGE, path, 0, 0, NULL,
                             "unknown figure format: the name must end in .png, .svg or .pdf");
    st = onc_plot_waterfall_build(bars, n_bars, opt, &list, err);
    if (st == ONC_OK)
        st = onc_plot_list_write(list, path, err);
    onc_plot_list_free(list);
    return st;
}
