/*
** plot_swimmer.c -- swimmer plot: one horizontal bar per patient from
** the start of treatment to the end of follow-up, coloured by arm, with
** symbols for response, progression, death and treatment sessions (repeat
** TACE, for instance) and an arrow after the bars of patients still on
** study.  Longest bars go on top so the eye reads duration at once.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/plot.h"
#include "core/internal.h"
#include "render/plot_internal.h"

#define SWIMMER_MAX_LANES 5000
#define SWIMMER_MAX_ARMS 32
#define SWIMMER_MAX_EVENTS 1000000
#define SWIMMER_PAGE_LIMIT 792.0     /* automatic height stops at 11 in */
#define SWIMMER_SWATCH 8.0

typedef struct swimmer_state {
    const onc_plot_swimmer_lane *lanes;
    size_t n_lanes;
    const onc_plot_swimmer_options *opt;
    plot_builder *b;
    const char *arms[SWIMMER_MAX_ARMS];
    size_t n_arms;
    size_t *arm;             /* arm of each lane */
    size_t *order;           /* lanes from the top */
    int kinds_used[4];
    int any_ongoing;
} swimmer_state;

static void swimmer_lane_name(const onc_plot_swimmer_lane *lane, size_t i, char *buf, size_t cap)
{
    if (lane->id != NULL && lane->id[0] != '\0' && plot_utf8_valid(lane->id))
        snprintf(buf, cap, "patient '%.60s'", lane->id);
    else
        snprintf(buf, cap, "lane %zu", i + 1);
}

static onc_plot_marker swimmer_marker(onc_plot_event_kind kind)
{
    switch (kind) {
    case ONC_PLOT_EVENT_RESPONSE: return ONC_PLOT_MARKER_TRIANGLE;
    case ONC_PLOT_EVENT_PROGRESSION: return ONC_PLOT_MARKER_CROSS;
    case ONC_PLOT_EVENT_DEATH: return ONC_PLOT_MARKER_SQUARE;
    case ONC_PLOT_EVENT_TREATMENT: return ONC_PLOT_MARKER_CIRCLE;
    }
    return ONC_PLOT_MARKER_CIRCLE;
}

static const char *swimmer_kind_name(int kind)
{
    static const char *const names[4] = {"Response", "Progression", "Death", "Treatment"};

    return names[kind];
}

/* Filled symbols are black; the circle is hollow so it reads on any bar. */
static void swimmer_draw_symbol(swimmer_state *s, onc_plot_role role, long group, long index,
                                int kind, double x, double y, double size)
{
    onc_plot_color black = plot_black(), white = plot_rgb(1, 1, 1);

    if (kind == ONC_PLOT_EVENT_PROGRESSION)
        plot_add_marker(s->b, role, group, index, ONC_PLOT_MARKER_CROSS, x, y, size, plot_none(),
                        black, 1.4);
    else if (kind == ONC_PLOT_EVENT_TREATMENT)
        plot_add_marker(s->b, role, group, index, ONC_PLOT_MARKER_CIRCLE, x, y, size * 0.8, white,
                        black, 0.8);
    else
        plot_add_marker(s->b, role, group, index, swimmer_marker((onc_plot_event_kind)kind), x, y,
                        size, black, white, 0.5);
}

static onc_status swimmer_check(const onc_plot_swimmer_lane *lanes, size_t n,
                                const onc_plot_swimmer_options *opt, onc_error *err)
{
    size_t i, k, total = 0;
    char name[96];

    if (lanes == NULL || n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "swimmer plot: no patients to draw");
    if (n > SWIMMER_MAX_LANES)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "swimmer plot: %zu patients; the limit is %d", n, SWIMMER_MAX_LANES);
    for (i = 0; i < n; i++) {
        const onc_plot_swimmer_lane *l = &lanes[i];

        swimmer_lane_name(l, i, name, sizeof name);
        if (!plot_utf8_valid(l->id) || !plot_utf8_valid(l->arm))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "swimmer plot: lane %zu: an identifier or arm is not valid "
                                 "UTF-8 text", i + 1);
        if (!isfinite(l->duration) || l->duration < 0)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "swimmer plot: %s: duration %g must be finite and >= 0", name,
                                 l->duration);
        if (l->n_events > 0 && l->events == NULL)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "swimmer plot: %s: %zu events counted but none given", name,
                                 l->n_events);
        total += l->n_events;
        if (total > SWIMMER_MAX_EVENTS)
            return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                                 "swimmer plot: more than %d events", SWIMMER_MAX_EVENTS);
        for (k = 0; k < l->n_events; k++) {
            const onc_plot_swimmer_event *e = &l->events[k];

            if ((unsigned)e->kind > ONC_PLOT_EVENT_TREATMENT)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "swimmer plot: %s: event %zu has unknown kind %d", name,
                                     k + 1, (int)e->kind);
            if (!(e->time >= 0 && e->time <= l->duration))
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "swimmer plot: %s: event %zu at %g lies outside the bar "
                                     "(0 to %g)", name, k + 1, e->time, l->duration);
        }
    }
    if (!plot_utf8_valid(opt->title) || !plot_utf8_valid(opt->xlabel) ||
        !plot_utf8_valid(opt->time_unit))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "swimmer plot: a title or label is not valid UTF-8 text");
    if (opt->n_breaks > 0 && opt->breaks == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "swimmer plot: n_breaks is %zu but no breaks were given",
                             opt->n_breaks);
    if (opt->n_breaks > ONC_PLOT_MAX_BREAKS)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "swimmer plot: %zu breaks given; the limit is %d", opt->n_breaks,
                             ONC_PLOT_MAX_BREAKS);
    for (i = 0; i < opt->n_breaks; i++)
        if (!isfinite(opt->breaks[i]) || opt->breaks[i] < 0 ||
            (i > 0 && !(opt->breaks[i] > opt->breaks[i - 1])))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "swimmer plot: break %zu (%g) must be finite, >= 0 and above "
                                 "the one before", i + 1, opt->breaks[i]);
    if (opt->font_size != 0 && !(opt->font_size >= 4 && opt->font_size <= 24))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "swimmer plot: font size %g is outside 4 to 24 points",
                             opt->font_size);
    return ONC_OK;
}

static onc_status swimmer_arms(swimmer_state *s, onc_error *err)
{
    const onc_plot_swimmer_options *opt = s->opt;
    size_t i, k;
    char name[96];

    if (opt->arms != NULL) {
        if (opt->n_arms > SWIMMER_MAX_ARMS)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "swimmer plot: %zu arms; at most %d can be told apart",
                                 opt->n_arms, SWIMMER_MAX_ARMS);
        for (k = 0; k < opt->n_arms; k++) {
            if (!plot_utf8_valid(opt->arms[k]))
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "swimmer plot: arm %zu is not valid UTF-8 text", k + 1);
            s->arms[k] = opt->arms[k];
        }
        s->n_arms = opt->n_arms;
    }
    for (i = 0; i < s->n_lanes; i++) {
        const char *a = s->lanes[i].arm != NULL ? s->lanes[i].arm : "";

        for (k = 0; k < s->n_arms; k++)
            if (strcmp(s->arms[k] != NULL ? s->arms[k] : "", a) == 0)
                break;
        if (k == s->n_arms) {
            swimmer_lane_name(&s->lanes[i], i, name, sizeof name);
            if (opt->arms != NULL)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "swimmer plot: %s: arm '%.60s' is not among the arms given",
                                     name, a);
            if (s->n_arms == SWIMMER_MAX_ARMS)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "swimmer plot: more than %d arms", SWIMMER_MAX_ARMS);
            s->arms[s->n_arms++] = s->lanes[i].arm;
        }
        s->arm[i] = k;
    }
    return ONC_OK;
}

/* Stable merge sort of lane indices, longest first. */
static void swimmer_sort(const onc_plot_swimmer_lane *lanes, size_t *idx, size_t *tmp, size_t n)
{
    size_t mid = n / 2, i = 0, j = mid, k = 0;

    if (n < 2)
        return;
    swimmer_sort(lanes, idx, tmp, mid);
    swimmer_sort(lanes, idx + mid, tmp, n - mid);
    while (i < mid && j < n)
        tmp[k++] = lanes[idx[j]].duration > lanes[idx[i]].duration ? idx[j++] : idx[i++];
    while (i < mid)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

/* Legend entries: arms as swatches, then the symbols in use, then the arrow. */
typedef struct swimmer_entry {
    int type;                /* 0 arm, 1 event symbol, 2 ongoing arrow */
    long k;
    const char *text;
    double width;            /* key and text */
} swimmer_entry;

#define SWIMMER_MAX_ENTRIES (SWIMMER_MAX_ARMS + 5)

static size_t swimmer_entries(swimmer_state *s, swimmer_entry *e, double size)
{
    size_t n = 0, k;
    int kind;

    for (k = 0; k < s->n_arms; k++, n++) {
        e[n].type = 0;
        e[n].k = (long)k;
        e[n].text = s->arms[k] != NULL ? s->arms[k] : "";
    }
    for (kind = 0; kind < 4; kind++)
        if (s->kinds_used[kind]) {
            e[n].type = 1;
            e[n].k = kind;
            e[n].text = swimmer_kind_name(kind);
            n++;
        }
    if (s->any_ongoing) {
        e[n].type = 2;
        e[n].k = 4;
        e[n].text = "Ongoing";
        n++;
    }
    for (k = 0; k < n; k++)
        e[k].width = SWIMMER_SWATCH + 4 + plot_measure(s->b, e[k].text, size, 0).width;
    return n;
}

/* One entry with its key's left edge at x, centred on y. */
static void swimmer_draw_entry(swimmer_state *s, const swimmer_entry *e, double x, double y,
                               double size)
{
    if (e->type == 0) {
        onc_plot_box sw;

        sw.x0 = x;
        sw.x1 = x + SWIMMER_SWATCH;
        sw.y0 = y - SWIMMER_SWATCH / 2;
        sw.y1 = y + SWIMMER_SWATCH / 2;
        plot_add_rect(s->b, ONC_PLOT_ROLE_LEGEND_KEY, e->k, -1, sw,
                      onc_plot_palette((size_t)e->k), plot_none(), 0);
    } else if (e->type == 1) {
        swimmer_draw_symbol(s, ONC_PLOT_ROLE_LEGEND_KEY, -1, e->k, (int)e->k,
                            x + SWIMMER_SWATCH / 2, y, SWIMMER_SWATCH);
    } else {
        plot_add_marker(s->b, ONC_PLOT_ROLE_LEGEND_KEY, -1, e->k, ONC_PLOT_MARKER_ARROW_RIGHT,
                        x + SWIMMER_SWATCH, y, SWIMMER_SWATCH, plot_black(), plot_none(), 0);
    }
    plot_add_text(s->b, ONC_PLOT_ROLE_LEGEND, e->type == 0 ? e->k : -1,
                  e->type == 0 ? -1 : e->k, e->text, x + SWIMMER_SWATCH + 4, y, size, 0,
                  ONC_PLOT_HALIGN_LEFT, ONC_PLOT_VALIGN_MIDDLE, 0, plot_black());
}

static const double *entries_width(const swimmer_entry *e, size_t n, double *widths)
{
    size_t k;

    for (k = 0; k < n; k++)
        widths[k] = e[k].width;
    return widths;
}

onc_status onc_plot_swimmer_build(const onc_plot_swimmer_lane *lanes, size_t n_lanes,
                                  const onc_plot_swimmer_options *options,
                                  onc_plot_list **out, onc_error *err)
{
    onc_plot_swimmer_options defaults;
    const onc_plot_swimmer_options *opt = options;
    swimmer_state s;
    onc_plot_list *list;
    onc_plot_panel *p;
    onc_plot_color black = plot_black();
    onc_status st;
    size_t *scratch = NULL, i, k, n_breaks = 0, stride = 1;
    double breaks[ONC_PLOT_MAX_BREAKS], tmax = 0, axis_end, base, tick_size, id_size, pitch;
    double id_w = 0, text_h, below, top, arrow;
    int decimals, show_ids = 1, pass;
    swimmer_entry entries[SWIMMER_MAX_ENTRIES];
    double widths[SWIMMER_MAX_ENTRIES], flow_x[SWIMMER_MAX_ENTRIES], legend_size, legend_pitch;
    size_t n_entries, flow_row[SWIMMER_MAX_ENTRIES], flow_rows = 0;
    const char *xlabel;
    char xlabel_buf[160], buf[32];

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "swimmer plot: no output given");
    *out = NULL;
    if (opt == NULL) {
        memset(&defaults, 0, sizeof defaults);
        opt = &defaults;
    }
    if ((st = swimmer_check(lanes, n_lanes, opt, err)) != ONC_OK)
        return st;
    memset(&s, 0, sizeof s);
    s.lanes = lanes;
    s.n_lanes = n_lanes;
    s.opt = opt;
    s.arm = onc_mallocarray(n_lanes, sizeof *s.arm);
    s.order = onc_mallocarray(n_lanes, sizeof *s.order);
    scratch = onc_mallocarray(n_lanes, sizeof *scratch);
    if (s.arm == NULL || s.order == NULL || scratch == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
        goto cleanup;
    }
    if ((st = swimmer_arms(&s, err)) != ONC_OK)
        goto cleanup;
    for (i = 0; i < n_lanes; i++) {
        s.order[i] = i;
        tmax = fmax(tmax, lanes[i].duration);
        s.any_ongoing |= lanes[i].ongoing != 0;
        for (k = 0; k < lanes[i].n_events; k++)
            s.kinds_used[lanes[i].events[k].kind] = 1;
    }
    if (!opt->keep_order)
        swimmer_sort(lanes, s.order, scratch, n_lanes);

    /* time axis: leave room past the longest bar for its arrow */
    if (opt->n_breaks > 0) {
        memcpy(breaks, opt->breaks, opt->n_breaks * sizeof *breaks);
        n_breaks = opt->n_breaks;
        axis_end = fmax(tmax, breaks[n_breaks - 1]);
    } else {
        if ((st = onc_plot_time_breaks(tmax, opt->time_unit, breaks, ONC_PLOT_MAX_BREAKS,
                                       &n_breaks, err)) != ONC_OK)
            goto cleanup;
        axis_end = breaks[n_breaks - 1];
    }
    if (!(axis_end > 0))
        axis_end = 1;
    decimals = onc_plot_tick_decimals(breaks, n_breaks);

    if ((st = plot_builder_new(opt->width_in, opt->height_in, opt->dpi, &s.b, err)) != ONC_OK)
        goto cleanup;
    list = plot_builder_list(s.b);
    p = &list->panel;
    base = opt->font_size > 0 ? opt->font_size : PLOT_DEFAULT_FONT;
    tick_size = fmax(PLOT_MIN_FONT, base * 0.9);
    if (opt->time_unit != NULL && opt->time_unit[0] != '\0')
        snprintf(xlabel_buf, sizeof xlabel_buf, "Time (%.100s)", opt->time_unit);
    else
        snprintf(xlabel_buf, sizeof xlabel_buf, "Time");
    xlabel = opt->xlabel != NULL ? opt->xlabel : xlabel_buf;

    /* Vertical: lanes at a comfortable pitch, or squeezed into the page. */
    top = PLOT_MARGIN;
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
            top = op->box.y1 + 6;
        free(t);
    }
    text_h = plot_measure(s.b, "Ag", tick_size, 0).height;
    legend_size = fmax(PLOT_MIN_FONT, base * 0.9);
    legend_pitch = plot_measure(s.b, "Ag", legend_size, 0).height * 1.15;
    n_entries = swimmer_entries(&s, entries, legend_size);
    below = PLOT_TICK_LENGTH + 2 + text_h + 3 + plot_measure(s.b, xlabel, base, 0).height +
            PLOT_MARGIN;
    /* The legend sits inside the panel if it takes at most half the
    ** lanes' height, otherwise it flows in rows under the axis title. */
    for (pass = 0; pass < 2; pass++) {
        if (opt->height_in > 0) {
            pitch = (list->height - top - below) / (double)n_lanes;
        } else {
            pitch = fmax(text_h * 1.2, 9.0);
            if (top + below + pitch * (double)n_lanes > SWIMMER_PAGE_LIMIT)
                pitch = (SWIMMER_PAGE_LIMIT - top - below) / (double)n_lanes;
        }
        if (pass == 1 || legend_pitch * (double)n_entries + 12 <= pitch * (double)n_lanes / 2)
            break;
        flow_rows = plot_flow(entries_width(entries, n_entries, widths), n_entries,
                              list->width - 2 * PLOT_MARGIN, 12, flow_x, flow_row);
        below += 6 + legend_pitch * (double)flow_rows;
    }
    if (opt->height_in <= 0)
        plot_builder_resize(s.b, top + below + pitch * (double)n_lanes);
    if (!(pitch >= 1.0)) {
        plot_builder_fail(s.b, ONC_ERR_USAGE,
                          "swimmer plot: %zu patients do not fit a figure this high", n_lanes);
        goto finish;
    }
    /* identifiers shrink with the lanes and disappear when too cramped */
    for (id_size = tick_size; id_size >= PLOT_MIN_FONT - 1e-9; id_size -= 0.5)
        if (plot_measure(s.b, "Ag", id_size, 0).height <= pitch)
            break;
    if (id_size < PLOT_MIN_FONT - 1e-9)
        show_ids = 0;
    if (show_ids)
        for (i = 0; i < n_lanes; i++)
            if (lanes[i].id != NULL)
                id_w = fmax(id_w, plot_measure(s.b, lanes[i].id, id_size, 0).width);
    id_w = fmin(id_w, list->width * 0.2);
    p->top = top;
    p->bottom = top + pitch * (double)n_lanes;
    /* room for the identifiers, or at least for half the "0" under the axis */
    plot_format_tick(breaks[0], decimals, 1, buf, sizeof buf);
    p->left = PLOT_MARGIN + fmax(show_ids ? id_w + PLOT_TEXT_GAP + 4 : 0,
                                 plot_measure(s.b, buf, tick_size, 0).width / 2);
    /* the last tick label is centred on the right edge */
    plot_format_tick(breaks[n_breaks - 1], decimals, 1, buf, sizeof buf);
    p->right = list->width - PLOT_MARGIN - plot_measure(s.b, buf, tick_size, 0).width / 2;
    if (p->right - p->left < 72) {
        plot_builder_fail(s.b, ONC_ERR_USAGE,
                          "swimmer plot: identifiers leave less than an inch for the bars");
        goto finish;
    }
    p->x_min = 0;
    p->x_max = axis_end;
    p->y_min = 0;
    p->y_max = (double)n_lanes;
    arrow = fmin(pitch * 0.8, 7.0);

    for (k = 0; k < n_lanes; k++) {
        size_t li = s.order[k];
        const onc_plot_swimmer_lane *lane = &lanes[li];
        double y = p->top + pitch * ((double)k + 0.5), h = pitch * 0.6;
        double x1 = onc_plot_panel_x(p, lane->duration);
        onc_plot_box bar;
        size_t e;

        bar.x0 = p->left;
        bar.x1 = x1;
        bar.y0 = y - h / 2;
        bar.y1 = y + h / 2;
        plot_add_rect(s.b, ONC_PLOT_ROLE_BAR, (long)s.arm[li], (long)li, bar,
                      onc_plot_palette(s.arm[li]), plot_none(), 0);
        if (lane->ongoing)
            plot_add_marker(s.b, ONC_PLOT_ROLE_ARROW, (long)s.arm[li], (long)li,
                            ONC_PLOT_MARKER_ARROW_RIGHT, x1 + arrow + 1, y, arrow, black,
                            plot_none(), 0);
        for (e = 0; e < lane->n_events; e++)
            swimmer_draw_symbol(&s, ONC_PLOT_ROLE_EVENT_MARKER, (long)lane->events[e].kind,
                                (long)li, (int)lane->events[e].kind,
                                onc_plot_panel_x(p, lane->events[e].time), y,
                                fmax(3.0, fmin(pitch * 0.75, 8.0)));
        if (show_ids && lane->id != NULL && lane->id[0] != '\0') {
            double fitted;
            char *t = plot_fit_text(s.b, lane->id, id_size, id_size, 0, id_w, &fitted);

            if (t != NULL)
                plot_add_text(s.b, ONC_PLOT_ROLE_ITEM_LABEL, (long)s.arm[li], (long)li, t,
                              p->left - PLOT_TEXT_GAP, y, fitted, 0, ONC_PLOT_HALIGN_RIGHT,
                              ONC_PLOT_VALIGN_MIDDLE, 0, black);
            free(t);
        }
    }

    /* x axis, thinning labels that would touch */
    plot_add_segment(s.b, ONC_PLOT_ROLE_AXIS, 0, -1, p->left, p->bottom, p->right, p->bottom,
                     black, PLOT_AXIS_WIDTH, ONC_PLOT_DASH_SOLID);
    for (;;) {
        double xs[ONC_PLOT_MAX_BREAKS], ws[ONC_PLOT_MAX_BREAKS];
        size_t n = 0;

        for (i = 0; i < n_breaks; i += stride) {
            plot_format_tick(breaks[i], decimals, 1, buf, sizeof buf);
            xs[n] = onc_plot_panel_x(p, breaks[i]);
            ws[n++] = plot_measure(s.b, buf, tick_size, 0).width;
        }
        if (plot_labels_fit(xs, ws, n, PLOT_TEXT_GAP + 1) || stride >= n_breaks)
            break;
        stride++;
    }
    for (i = 0; i < n_breaks; i++) {
        double x = onc_plot_panel_x(p, breaks[i]);

        plot_add_segment(s.b, ONC_PLOT_ROLE_TICK, 0, (long)i, x, p->bottom, x,
                         p->bottom + PLOT_TICK_LENGTH, black, PLOT_AXIS_WIDTH,
                         ONC_PLOT_DASH_SOLID);
        if (i % stride != 0)
            continue;
        plot_format_tick(breaks[i], decimals, 1, buf, sizeof buf);
        plot_add_text(s.b, ONC_PLOT_ROLE_TICK_LABEL, 0, (long)i, buf, x,
                      p->bottom + PLOT_TICK_LENGTH + 2, tick_size, 0, ONC_PLOT_HALIGN_CENTER,
                      ONC_PLOT_VALIGN_TOP, 0, black);
    }
    {
        double fitted;
        char *t = plot_fit_text(s.b, xlabel, base, PLOT_MIN_FONT, 0, p->right - p->left, &fitted);

        if (t != NULL)
            plot_add_text(s.b, ONC_PLOT_ROLE_AXIS_TITLE, 0, -1, t, (p->left + p->right) / 2,
                          p->bottom + PLOT_TICK_LENGTH + 2 + text_h + 3, fitted, 0,
                          ONC_PLOT_HALIGN_CENTER, ONC_PLOT_VALIGN_TOP, 0, black);
        free(t);
    }
    if (flow_rows == 0) {
        /* a column inside the panel where the short lanes leave room */
        static const int order[4] = {2, 0, 1, 3};
        double w = 0;
        onc_plot_box box;
        int found;

        for (k = 0; k < n_entries; k++)
            w = fmax(w, entries[k].width);
        box = plot_place_box(s.b, w, legend_pitch * (double)n_entries, 6, order, 4, NULL, 0,
                             &found);
        for (k = 0; k < n_entries; k++)
            swimmer_draw_entry(&s, &entries[k], box.x0, box.y0 + legend_pitch * ((double)k + 0.5),
                               legend_size);
    } else {
        /* rows under the axis title */
        double y0 = p->bottom + PLOT_TICK_LENGTH + 2 + text_h + 3 +
                    plot_measure(s.b, xlabel, base, 0).height + 6;

        for (k = 0; k < n_entries; k++)
            swimmer_draw_entry(&s, &entries[k], PLOT_MARGIN + flow_x[k],
                               y0 + legend_pitch * ((double)flow_row[k] + 0.5), legend_size);
    }

finish:
    st = plot_builder_finish(s.b, out, err);
    s.b = NULL;

cleanup:
    plot_builder_finish(s.b, NULL, NULL);
    free(s.arm);
    free(s.order);
    free(scratch);
    return st;
}

onc_status onc_plot_swimmer(const onc_plot_swimmer_lane *lanes, size_t n_lanes,
                            const onc_plot_swimmer_options *opt, const char *path,
                            onc_error *err)
{
    onc_plot_list *list = NULL;
    onc_status st;

    if (onc_plot_format_from_path(path) == ONC_PLOT_FORMAT_UNKNOWN)
        return onc_error_set(err, ONC_ERR_USAGE, path, 0, 0, NULL,
                             "unknown figure format: the name must end in .png, .svg or .pdf");
    st = onc_plot_swimmer_build(lanes, n_lanes, opt, &list, err);
    if (st == ONC_OK)
        st = onc_plot_list_write(list, path, err);
    onc_plot_list_free(list);
    return st;
}
