/*
** plot_forest.c -- forest plot of hazard ratios by subgroup: a table of
** labels, patients and events beside a log-scale panel of squares and
** interval lines, with the HR (95% CI) and P for interaction columns.
**
** Layout follows the subgroup figures of NEJM and Lancet papers (and the
** FSTG02 forest of the chevron catalogue): squares with area proportional
** to the number of events, so large subgroups draw the eye as they should;
** a solid line at HR = 1; a dashed line at the overall HR; the overall row
** as a diamond spanning its interval; arrows where an interval runs off
** the axis or has an undefined limit.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/plot.h"
#include "core/internal.h"
#include "render/plot_internal.h"

#define FOREST_INDENT 10.0
#define FOREST_COLUMN_GAP 10.0
#define FOREST_MIN_PANEL 108.0     /* 1.5 in */
#define FOREST_ARROW 5.0
#define FOREST_MAX_ROWS 500

enum { COL_LABEL, COL_N, COL_EVENTS, COL_HR, COL_P, N_COLS };

typedef struct forest_state {
    const onc_plot_forest_row *rows;
    size_t n_rows;
    const onc_plot_forest_options *opt;
    plot_builder *b;
    char **label;          /* fitted labels */
    char (*hr_text)[64];
    char (*p_text)[16];
    int *indent;
    int has_p;
    double size;           /* cell font */
    double col_x[N_COLS];  /* left edge of each text column */
    double col_w[N_COLS];
    double breaks[ONC_PLOT_MAX_BREAKS];
    size_t n_breaks;
    double axis_lo, axis_hi;
} forest_state;

static const char *const forest_headers[N_COLS] = {
    NULL, "n", "Events", "HR (95% CI)", "P for\ninteraction"
};

/* Name a row in messages: its label, or its number. */
static void forest_row_name(const onc_plot_forest_row *r, size_t i, char *buf, size_t cap)
{
    if (r->label != NULL && r->label[0] != '\0' && plot_utf8_valid(r->label))
        snprintf(buf, cap, "row '%.80s'", r->label);
    else
        snprintf(buf, cap, "row %zu", i + 1);
}

static int forest_estimable(const onc_plot_forest_row *r)
{
    return !r->is_header && isfinite(r->hr);
}

static onc_status forest_check(const onc_plot_forest_row *rows, size_t n,
                               const onc_plot_forest_options *opt, onc_error *err)
{
    size_t i;
    char name[128];

    if (rows == NULL || n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "forest plot: no rows to draw");
    if (n > FOREST_MAX_ROWS)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "forest plot: %zu rows; the limit is %d", n, FOREST_MAX_ROWS);
    for (i = 0; i < n; i++) {
        const onc_plot_forest_row *r = &rows[i];

        forest_row_name(r, i, name, sizeof name);
        if (!plot_utf8_valid(r->label))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "forest plot: %s: the label is not valid UTF-8 text", name);
        if (!isnan(r->p_interaction) && !(r->p_interaction >= 0 && r->p_interaction <= 1))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "forest plot: %s: P for interaction %g is not a probability",
                                 name, r->p_interaction);
        if (r->is_header)
            continue;
        if (!isnan(r->hr) && !(r->hr > 0))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "forest plot: %s: hazard ratio %g cannot be drawn on a log scale",
                                 name, r->hr);
        if (!isnan(r->lower) && !(r->lower > 0))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "forest plot: %s: lower limit %g cannot be drawn on a log scale",
                                 name, r->lower);
        if (!isnan(r->upper) && !(r->upper > 0))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "forest plot: %s: upper limit %g cannot be drawn on a log scale",
                                 name, r->upper);
        if (r->lower > r->upper)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "forest plot: %s: lower limit %g is above the upper limit %g",
                                 name, r->lower, r->upper);
        if (isfinite(r->hr) && (r->hr < r->lower || r->hr > r->upper))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "forest plot: %s: hazard ratio %g lies outside its interval "
                                 "%g to %g", name, r->hr, r->lower, r->upper);
    }
    if (!plot_utf8_valid(opt->title) || !plot_utf8_valid(opt->xlabel) ||
        !plot_utf8_valid(opt->label_header) || !plot_utf8_valid(opt->left_label) ||
        !plot_utf8_valid(opt->right_label))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "forest plot: a title or label is not valid UTF-8 text");
    if (!isfinite(opt->x_min) || opt->x_min < 0 || !isfinite(opt->x_max) || opt->x_max < 0 ||
        (opt->x_min > 0 && opt->x_max > 0 && !(opt->x_min < opt->x_max)))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "forest plot: axis limits %g to %g must be positive and ascending "
                             "(0 = automatic)", opt->x_min, opt->x_max);
    if (opt->font_size != 0 && !(opt->font_size >= 4 && opt->font_size <= 24))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "forest plot: font size %g is outside 4 to 24 points",
                             opt->font_size);
    return ONC_OK;
}

/*
** P values as journals print them: two decimals from 0.01 up ("0.34"),
** three below ("0.004"), "<0.001" under that.  Two decimals would turn
** 0.0496 into "0.05", so values that round up to 0.05 keep three.
*/
static void forest_format_p(double p, char *buf, size_t cap)
{
    if (isnan(p))
        buf[0] = '\0';
    else if (p < 0.001)
        snprintf(buf, cap, "<0.001");
    else if (p < 0.01 || (p < 0.05 && p >= 0.045))
        snprintf(buf, cap, "%.3f", p);
    else
        snprintf(buf, cap, "%.2f", p);
}

static void forest_format_limit(double v, char *buf, size_t cap)
{
    if (isfinite(v))
        snprintf(buf, cap, "%.2f", v);
    else
        snprintf(buf, cap, "NE");
}

static void forest_format_hr(const onc_plot_forest_row *r, char *buf, size_t cap)
{
    char lo[24], hi[24];

    buf[0] = '\0';
    if (r->is_header)
        return;
    if (!isfinite(r->hr)) {
        snprintf(buf, cap, "NE");
        return;
    }
    forest_format_limit(r->lower, lo, sizeof lo);
    forest_format_limit(r->upper, hi, sizeof hi);
    /* en dash between the limits */
    snprintf(buf, cap, "%.2f (%s\xE2\x80\x93%s)", r->hr, lo, hi);
}

/* Axis limits from the data (always showing 1) or from the options. */
static onc_status forest_axis(forest_state *s, onc_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    size_t i, k = 0;
    onc_status st;

    for (i = 0; i < s->n_rows; i++) {
        const onc_plot_forest_row *r = &s->rows[i];

        if (!forest_estimable(r))
            continue;
        lo = fmin(lo, r->hr);
        hi = fmax(hi, r->hr);
        if (isfinite(r->lower))
            lo = fmin(lo, r->lower);
        if (isfinite(r->upper))
            hi = fmax(hi, r->upper);
    }
    if (!isfinite(lo) || !isfinite(hi))
        lo = hi = 1;
    if (s->opt->x_min > 0)
        lo = s->opt->x_min;
    if (s->opt->x_max > 0)
        hi = s->opt->x_max;
    if (!(lo < hi)) {
        /* a single value: widen around it, keeping a limit that was given */
        if (s->opt->x_min > 0)
            hi = lo * 4;
        else if (s->opt->x_max > 0)
            lo = hi / 4;
        else {
            lo /= 2;
            hi *= 2;
        }
    }
    st = onc_plot_log_breaks(lo, hi, s->breaks, ONC_PLOT_MAX_BREAKS, &s->n_breaks, err);
    if (st != ONC_OK)
        return st;
    s->axis_lo = s->opt->x_min > 0 ? s->opt->x_min : s->breaks[0];
    s->axis_hi = s->opt->x_max > 0 ? s->opt->x_max : s->breaks[s->n_breaks - 1];
    for (i = 0; i < s->n_breaks; i++)
        if (s->breaks[i] >= s->axis_lo * (1 - 1e-12) && s->breaks[i] <= s->axis_hi * (1 + 1e-12))
            s->breaks[k++] = s->breaks[i];
    s->n_breaks = k;
    return ONC_OK;
}

/* Text widths of each column at the cell font; returns the panel width left. */
static double forest_columns(forest_state *s, double width, double label_room)
{
    double size = s->size, x, w;
    size_t i, c;

    for (c = 0; c < N_COLS; c++) {
        const char *h = c == COL_LABEL ? (s->opt->label_header != NULL ? s->opt->label_header
                                                                        : "Subgroup")
                                       : forest_headers[c];

        s->col_w[c] = plot_measure(s->b, h, size, 1).width;
    }
    for (i = 0; i < s->n_rows; i++) {
        const onc_plot_forest_row *r = &s->rows[i];
        char buf[32];
        double fitted;

        free(s->label[i]);
        s->label[i] = plot_fit_text(s->b, r->label != NULL ? r->label : "", size, size,
                                    r->is_header, label_room - s->indent[i] * FOREST_INDENT,
                                    &fitted);
        w = plot_measure(s->b, s->label[i], size, r->is_header).width +
            s->indent[i] * FOREST_INDENT;
        s->col_w[COL_LABEL] = fmax(s->col_w[COL_LABEL], w);
        if (!r->is_header) {
            snprintf(buf, sizeof buf, "%zu", r->n);
            s->col_w[COL_N] = fmax(s->col_w[COL_N], plot_measure(s->b, buf, size, 0).width);
            snprintf(buf, sizeof buf, "%zu", r->events);
            s->col_w[COL_EVENTS] = fmax(s->col_w[COL_EVENTS],
                                        plot_measure(s->b, buf, size, 0).width);
        }
        s->col_w[COL_HR] = fmax(s->col_w[COL_HR], plot_measure(s->b, s->hr_text[i], size, 0).width);
        s->col_w[COL_P] = fmax(s->col_w[COL_P], plot_measure(s->b, s->p_text[i], size, 0).width);
    }
    if (!s->has_p)
        s->col_w[COL_P] = 0;
    x = PLOT_MARGIN;
    s->col_x[COL_LABEL] = x;
    x += s->col_w[COL_LABEL] + FOREST_COLUMN_GAP;
    s->col_x[COL_N] = x;
    x += s->col_w[COL_N] + FOREST_COLUMN_GAP;
    s->col_x[COL_EVENTS] = x;
    x += s->col_w[COL_EVENTS] + FOREST_COLUMN_GAP;
    /* the panel goes here; HR and P columns are placed from the right */
    s->col_x[COL_P] = width - PLOT_MARGIN - s->col_w[COL_P];
    s->col_x[COL_HR] = s->col_x[COL_P] - (s->has_p ? FOREST_COLUMN_GAP : 0) - s->col_w[COL_HR];
    return s->col_x[COL_HR] - FOREST_COLUMN_GAP - x;
}

void onc_plot_forest_options_init(onc_plot_forest_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->overall_line = 1;
}

/* Centre of a column's text. */
static double forest_col_centre(const forest_state *s, int c)
{
    return s->col_x[c] + s->col_w[c] / 2;
}

static void forest_draw_row(forest_state *s, size_t i, double y, double pitch, double max_events)
{
    const onc_plot_forest_row *r = &s->rows[i];
    const onc_plot_panel *p = &plot_builder_list(s->b)->panel;
    onc_plot_color black = plot_black();
    double size = s->size;
    char buf[32];

    plot_add_text(s->b, ONC_PLOT_ROLE_CELL, COL_LABEL, (long)i, s->label[i],
                  s->col_x[COL_LABEL] + s->indent[i] * FOREST_INDENT, y, size, r->is_header,
                  ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_MIDDLE, 0, black);
    if (s->p_text[i][0] != '\0')
        plot_add_text(s->b, ONC_PLOT_ROLE_CELL, COL_P, (long)i, s->p_text[i],
                      forest_col_centre(s, COL_P), y, size, 0, ONC_PLOT_HALIGN_CENTER,
                      ONC_PLOT_VALIGN_MIDDLE, 0, black);
    if (r->is_header)
        return;
    snprintf(buf, sizeof buf, "%zu", r->n);
    plot_add_text(s->b, ONC_PLOT_ROLE_CELL, COL_N, (long)i, buf, forest_col_centre(s, COL_N), y,
                  size, 0, ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_MIDDLE, 0, black);
    snprintf(buf, sizeof buf, "%zu", r->events);
    plot_add_text(s->b, ONC_PLOT_ROLE_CELL, COL_EVENTS, (long)i, buf,
                  forest_col_centre(s, COL_EVENTS), y, size, 0, ONC_PLOT_HALIGN_CENTER,
                  ONC_PLOT_VALIGN_MIDDLE, 0, black);
    plot_add_text(s->b, ONC_PLOT_ROLE_CELL, COL_HR, (long)i, s->hr_text[i],
                  forest_col_centre(s, COL_HR), y, size, 0, ONC_PLOT_HALIGN_CENTER,
                  ONC_PLOT_VALIGN_MIDDLE, 0, black);
    if (!forest_estimable(r))
        return;

    {
        /* Clip the interval to the axis; an undefined or off-axis end
        ** becomes an arrow head at the panel edge. */
        int left_arrow = !(r->lower >= s->axis_lo), right_arrow = !(r->upper <= s->axis_hi);
        double lo = left_arrow ? s->axis_lo : r->lower;
        double hi = right_arrow ? s->axis_hi : r->upper;
        double x0 = onc_plot_panel_x(p, fmax(lo, s->axis_lo));
        double x1 = onc_plot_panel_x(p, fmin(hi, s->axis_hi));
        double xh = onc_plot_panel_x(p, r->hr);
        int on_axis = r->hr >= s->axis_lo * (1 - 1e-12) && r->hr <= s->axis_hi * (1 + 1e-12);

        if (r->upper < s->axis_lo || r->lower > s->axis_hi) {
            /* the whole interval is off the axis: one arrow toward it */
            plot_add_marker(s->b, ONC_PLOT_ROLE_ARROW, (long)(r->lower > s->axis_hi), (long)i,
                            r->lower > s->axis_hi ? ONC_PLOT_MARKER_ARROW_RIGHT
                                                  : ONC_PLOT_MARKER_ARROW_LEFT,
                            r->lower > s->axis_hi ? p->right : p->left, y, FOREST_ARROW,
                            black, plot_none(), 0);
            return;
        }
        if (x1 - x0 > 0)
            plot_add_segment(s->b, ONC_PLOT_ROLE_INTERVAL, 0, (long)i, x0, y, x1, y, black, 1.0,
                             ONC_PLOT_DASH_SOLID);
        if (left_arrow)
            plot_add_marker(s->b, ONC_PLOT_ROLE_ARROW, 0, (long)i, ONC_PLOT_MARKER_ARROW_LEFT,
                            p->left, y, FOREST_ARROW, black, plot_none(), 0);
        if (right_arrow)
            plot_add_marker(s->b, ONC_PLOT_ROLE_ARROW, 1, (long)i, ONC_PLOT_MARKER_ARROW_RIGHT,
                            p->right, y, FOREST_ARROW, black, plot_none(), 0);
        if (!on_axis)
            return;
        if (r->is_overall && isfinite(r->lower) && isfinite(r->upper) && !left_arrow &&
            !right_arrow) {
            double dx[4], dy[4], h = pitch * 0.32;

            dx[0] = x0, dy[0] = y;
            dx[1] = xh, dy[1] = y - h;
            dx[2] = x1, dy[2] = y;
            dx[3] = xh, dy[3] = y + h;
            plot_add_polygon(s->b, ONC_PLOT_ROLE_ESTIMATE, 0, (long)i, 4, dx, dy, black, black,
                             0.5);
        } else {
            /* area proportional to events: side grows with the square root */
            double big = pitch * 0.75, small = 3.0;
            double frac = max_events > 0 ? sqrt((double)r->events / max_events) : 0;

            plot_add_marker(s->b, ONC_PLOT_ROLE_ESTIMATE, 0, (long)i,
                            r->is_overall ? ONC_PLOT_MARKER_DIAMOND : ONC_PLOT_MARKER_SQUARE, xh,
                            y, small + (big - small) * frac, black, plot_none(), 0);
        }
    }
}

onc_status onc_plot_forest_build(const onc_plot_forest_row *rows, size_t n_rows,
                                 const onc_plot_forest_options *options,
                                 onc_plot_list **out, onc_error *err)
{
    onc_plot_forest_options defaults;
    const onc_plot_forest_options *opt = options;
    forest_state s;
    onc_plot_list *list;
    onc_plot_panel *p;
    onc_plot_color black = plot_black();
    onc_status st;
    double base, panel_w = 0, pitch, y, rows_top, rows_bottom, max_events = 0, label_room;
    double tick_h, x1_page;
    size_t i;
    int c, in_group = 0;
    const char *xlabel;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "forest plot: no output given");
    *out = NULL;
    if (opt == NULL) {
        onc_plot_forest_options_init(&defaults);
        opt = &defaults;
    }
    if ((st = forest_check(rows, n_rows, opt, err)) != ONC_OK)
        return st;

    memset(&s, 0, sizeof s);
    s.rows = rows;
    s.n_rows = n_rows;
    s.opt = opt;
    s.label = onc_callocarray(n_rows, sizeof *s.label);
    s.hr_text = onc_callocarray(n_rows, sizeof *s.hr_text);
    s.p_text = onc_callocarray(n_rows, sizeof *s.p_text);
    s.indent = onc_callocarray(n_rows, sizeof *s.indent);
    if (s.label == NULL || s.hr_text == NULL || s.p_text == NULL || s.indent == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < n_rows; i++) {
        const onc_plot_forest_row *r = &rows[i];

        /* levels under a subgroup heading are indented */
        if (r->is_header || r->is_overall)
            in_group = r->is_header;
        else
            s.indent[i] = in_group;
        forest_format_hr(r, s.hr_text[i], sizeof s.hr_text[i]);
        forest_format_p(r->p_interaction, s.p_text[i], sizeof s.p_text[i]);
        if (s.p_text[i][0] != '\0')
            s.has_p = 1;
        if (forest_estimable(r))
            max_events = fmax(max_events, (double)r->events);
    }
    if ((st = forest_axis(&s, err)) != ONC_OK)
        goto cleanup;
    if ((st = plot_builder_new(opt->width_in, opt->height_in, opt->dpi, &s.b, err)) != ONC_OK)
        goto cleanup;
    list = plot_builder_list(s.b);
    p = &list->panel;

    /* Shrink the table font, then the labels, until the panel gets 1.5 in. */
    base = opt->font_size > 0 ? opt->font_size : PLOT_DEFAULT_FONT;
    label_room = list->width * 0.35;
    for (s.size = base; s.size >= PLOT_MIN_FONT - 1e-9; s.size -= 0.5) {
        panel_w = forest_columns(&s, list->width, label_room);
        if (panel_w >= FOREST_MIN_PANEL || plot_builder_status(s.b) != ONC_OK)
            break;
    }
    if (s.size < PLOT_MIN_FONT)
        s.size = PLOT_MIN_FONT;
    while (panel_w < FOREST_MIN_PANEL && label_room > 36 && plot_builder_status(s.b) == ONC_OK) {
        label_room -= 12;
        panel_w = forest_columns(&s, list->width, label_room);
    }
    if (panel_w < FOREST_MIN_PANEL) {
        plot_builder_fail(s.b, ONC_ERR_USAGE,
                          "forest plot: the columns leave %.0f pt for the panel; widen the "
                          "figure", panel_w);
        goto finish;
    }
    p->right = s.col_x[COL_HR] - FOREST_COLUMN_GAP;
    p->left = p->right - panel_w;
    p->x_log = 1;
    p->x_min = s.axis_lo;
    p->x_max = s.axis_hi;

    /* Vertical layout: title, column headers, rows, axis. */
    pitch = plot_measure(s.b, "Ag", s.size, 0).height * 1.45;
    for (i = 0; i < n_rows; i++)
        pitch = fmax(pitch, plot_measure(s.b, s.label[i], s.size, 0).height * 1.2);
    y = PLOT_MARGIN;
    if (opt->title != NULL && opt->title[0] != '\0') {
        double fitted;
        char *t = plot_fit_text(s.b, opt->title, base * 1.15, PLOT_MIN_FONT, 1,
                                list->width - 2 * PLOT_MARGIN, &fitted);

        if (t != NULL) {
            onc_plot_op *op = plot_add_text(s.b, ONC_PLOT_ROLE_TITLE, -1, -1, t, PLOT_MARGIN, y,
                                            fitted, 1, ONC_PLOT_HALIGN_LEFT,
                                            ONC_PLOT_VALIGN_TOP, 0, black);

            if (op != NULL)
                y = op->box.y1 + 6;
        }
        free(t);
    }
    {
        double header_h = plot_measure(s.b, forest_headers[COL_P], s.size, 1).height;
        double bottom = y + header_h;

        for (c = 0; c < N_COLS; c++) {
            const char *h = c == COL_LABEL ? (opt->label_header != NULL ? opt->label_header
                                                                          : "Subgroup")
                                           : forest_headers[c];

            if (c == COL_P && !s.has_p)
                continue;
            plot_add_text(s.b, ONC_PLOT_ROLE_COLUMN_HEADER, c, -1, h,
                          c == COL_LABEL ? s.col_x[c] : forest_col_centre(&s, c), bottom,
                          s.size, 1, c == COL_LABEL ? ONC_PLOT_HALIGN_LEFT : ONC_PLOT_HALIGN_CENTER,
                          ONC_PLOT_VALIGN_BOTTOM, 0, black);
        }
        y = bottom + 3;
        plot_add_segment(s.b, ONC_PLOT_ROLE_NONE, -1, -1, PLOT_MARGIN, y,
                         list->width - PLOT_MARGIN, y, black, 0.5, ONC_PLOT_DASH_SOLID);
        y += 3;
    }
    rows_top = y;
    rows_bottom = rows_top + pitch * (double)n_rows;
    p->top = rows_top;
    p->bottom = rows_bottom;
    /* data y counts rows from the bottom: row i is centred on n_rows - i - 0.5 */
    p->y_min = 0;
    p->y_max = (double)n_rows;
    tick_h = plot_measure(s.b, "0", s.size * 0.95, 0).height;
    xlabel = opt->xlabel != NULL ? opt->xlabel : "Hazard ratio (95% CI)";
    {
        double below = PLOT_TICK_LENGTH + 2 + tick_h + 4 + PLOT_MARGIN +
                       plot_measure(s.b, xlabel, s.size, 0).height;

        if ((opt->left_label != NULL && opt->left_label[0] != '\0') ||
            (opt->right_label != NULL && opt->right_label[0] != '\0'))
            below += plot_measure(s.b, "Ag", s.size * 0.95, 0).height + 3;
        if (opt->height_in > 0) {
            if (rows_bottom + below > list->height) {
                plot_builder_fail(s.b, ONC_ERR_USAGE,
                                  "forest plot: %zu rows need a figure at least %.1f in high",
                                  n_rows, (rows_bottom + below) / 72);
                goto finish;
            }
        } else {
            plot_builder_resize(s.b, rows_bottom + below);
        }
    }

    /* reference line at 1, then the overall line, under the estimates */
    if (s.axis_lo <= 1 && s.axis_hi >= 1)
        plot_add_segment(s.b, ONC_PLOT_ROLE_REFERENCE, -1, -1, onc_plot_panel_x(p, 1), rows_top,
                         onc_plot_panel_x(p, 1), rows_bottom, plot_grey(0.3), 0.75,
                         ONC_PLOT_DASH_SOLID);
    if (opt->overall_line)
        for (i = 0; i < n_rows; i++)
            if (rows[i].is_overall && forest_estimable(&rows[i]) &&
                rows[i].hr >= s.axis_lo && rows[i].hr <= s.axis_hi) {
                double x = onc_plot_panel_x(p, rows[i].hr);

                plot_add_segment(s.b, ONC_PLOT_ROLE_OVERALL, -1, (long)i, x, rows_top, x,
                                 rows_bottom, plot_grey(0.3), 0.75, ONC_PLOT_DASH_DASHED);
                break;
            }
    for (i = 0; i < n_rows; i++)
        forest_draw_row(&s, i, rows_top + pitch * ((double)i + 0.5), pitch, max_events);

    /* axis */
    plot_add_segment(s.b, ONC_PLOT_ROLE_AXIS, 0, -1, p->left, rows_bottom, p->right, rows_bottom,
                     black, PLOT_AXIS_WIDTH, ONC_PLOT_DASH_SOLID);
    {
        double xs[ONC_PLOT_MAX_BREAKS], ws[ONC_PLOT_MAX_BREAKS];
        char labels[ONC_PLOT_MAX_BREAKS][32];
        double tick_size = s.size * 0.95;
        size_t stride = 1;

        for (i = 0; i < s.n_breaks; i++) {
            plot_format_tick(s.breaks[i], onc_plot_tick_decimals(&s.breaks[i], 1), 1, labels[i],
                             sizeof labels[i]);
            xs[i] = onc_plot_panel_x(p, s.breaks[i]);
            ws[i] = plot_measure(s.b, labels[i], tick_size, 0).width;
        }
        /* thin labels that would touch, always keeping the one at 1 */
        for (;;) {
            double kx[ONC_PLOT_MAX_BREAKS], kw[ONC_PLOT_MAX_BREAKS];
            size_t n = 0;

            for (i = 0; i < s.n_breaks; i++)
                if (i % stride == 0) {
                    kx[n] = xs[i];
                    kw[n++] = ws[i];
                }
            if (plot_labels_fit(kx, kw, n, PLOT_TEXT_GAP) || stride >= s.n_breaks)
                break;
            stride++;
        }
        for (i = 0; i < s.n_breaks; i++) {
            plot_add_segment(s.b, ONC_PLOT_ROLE_TICK, 0, (long)i, xs[i], rows_bottom, xs[i],
                             rows_bottom + PLOT_TICK_LENGTH, black, PLOT_AXIS_WIDTH,
                             ONC_PLOT_DASH_SOLID);
            if (i % stride == 0)
                plot_add_text(s.b, ONC_PLOT_ROLE_TICK_LABEL, 0, (long)i, labels[i], xs[i],
                              rows_bottom + PLOT_TICK_LENGTH + 2, tick_size, 0,
                              ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_TOP, 0, black);
        }
        y = rows_bottom + PLOT_TICK_LENGTH + 2 + tick_h + 4;
    }
    x1_page = s.axis_lo <= 1 && s.axis_hi >= 1 ? onc_plot_panel_x(p, 1) : (p->left + p->right) / 2;
    if ((opt->left_label != NULL && opt->left_label[0] != '\0') ||
        (opt->right_label != NULL && opt->right_label[0] != '\0')) {
        /* "← Favours A" ends left of 1, "Favours B →" starts right of it */
        double fitted, fsize = s.size * 0.95;
        char buf[512];
        char *t;

        if (opt->left_label != NULL && opt->left_label[0] != '\0') {
            snprintf(buf, sizeof buf, "\xE2\x86\x90 %s", opt->left_label);
            t = plot_fit_text(s.b, buf, fsize, PLOT_MIN_FONT, 0, x1_page - 4 - PLOT_MARGIN,
                              &fitted);
            if (t != NULL)
                plot_add_text(s.b, ONC_PLOT_ROLE_FAVOUR, 0, -1, t, x1_page - 4, y, fitted, 0,
                              ONC_PLOT_HALIGN_RIGHT, ONC_PLOT_VALIGN_TOP, 0, black);
            free(t);
        }
        if (opt->right_label != NULL && opt->right_label[0] != '\0') {
            snprintf(buf, sizeof buf, "%s \xE2\x86\x92", opt->right_label);
            t = plot_fit_text(s.b, buf, fsize, PLOT_MIN_FONT, 0,
                              list->width - PLOT_MARGIN - x1_page - 4, &fitted);
            if (t != NULL)
                plot_add_text(s.b, ONC_PLOT_ROLE_FAVOUR, 1, -1, t, x1_page + 4, y, fitted, 0,
                              ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_TOP, 0, black);
            free(t);
        }
        y += plot_measure(s.b, "Ag", fsize, 0).height + 3;
    }
    {
        double fitted;
        char *t = plot_fit_text(s.b, xlabel, s.size, PLOT_MIN_FONT, 0,
                                list->width - 2 * PLOT_MARGIN, &fitted);
        double w = t != NULL ? plot_measure(s.b, t, fitted, 0).width : 0;
        /* centred under the panel, kept on the page */
        double x = fmin(fmax((p->left + p->right) / 2, PLOT_MARGIN + w / 2),
                        list->width - PLOT_MARGIN - w / 2);

        if (t != NULL)
            plot_add_text(s.b, ONC_PLOT_ROLE_AXIS_TITLE, 0, -1, t, x, y, fitted, 0,
                          ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_TOP, 0, black);
        free(t);
    }

finish:
    st = plot_builder_finish(s.b, out, err);
    s.b = NULL;

cleanup:
    plot_builder_finish(s.b, NULL, NULL);
    if (s.label != NULL)
        for (i = 0; i < n_rows; i++)
            free(s.label[i]);
    free(s.label);
    free(s.hr_text);
    free(s.p_text);
    free(s.indent);
    return st;
}

onc_status onc_plot_forest(const onc_plot_forest_row *rows, size_t n_rows,
                           const onc_plot_forest_options *opt, const char *path,
                           onc_error *err)
{
    onc_plot_list *list = NULL;
    onc_status st;

    if (onc_plot_format_from_path(path) == ONC_PLOT_FORMAT_UNKNOWN)
        return onc_error_set(err, ONC_ERR_USAGE, path, 0, 0, NULL,
                             "unknown figure format: the name must end in .png, .svg or .pdf");
    st = onc_plot_forest_build(rows, n_rows, opt, &list, err);
    if (st == ONC_OK)
        st = onc_plot_list_write(list, path, err);
    onc_plot_list_free(list);
    return st;
}
