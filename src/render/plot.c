/*
** plot.c -- what every figure shares: the display list and its builder,
** text measurement with pango, the palette, axis breaks and tick labels,
** and the cairo backend that replays a list into a PNG, SVG or PDF file.
**
** Text is measured and drawn through pango contexts with a resolution of
** 72 dpi and hinted metrics switched off, so one unit is one point and a
** string measures the same when the list is built, when it is drawn into
** a vector surface and when it is rasterised at 300 dpi.  Fonts come from
** pango's default font map, which pango keeps per thread, so the costly
** fontconfig matching is done once per thread and never shared across
** threads; the resolution is set on our own contexts, never on that map.
*/
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "oncostat/plot.h"
#include "core/internal.h"
#include "render/plot_internal.h"

/*
** Two leak reports that are not ours, suppressed in AddressSanitizer builds:
**  - fontconfig keeps the pointers inside its patterns as offsets from the
**    pattern, so LeakSanitizer cannot see that pango's font caches still
**    hold them and reports them as leaks at exit;
**  - cairo 1.16 loses one buffer while subsetting a CFF font (the CJK
**    OpenType fonts) into a PDF, inside cairo_surface_finish().  cairo has
**    no frame pointers, so the default fast unwinder sees only the cairo
**    frame and the suppression has to name the library.
** The definitions are weak so that a program (a fuzz target, say) may
** supply its own without a clash.
*/
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PLOT_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PLOT_ADDRESS_SANITIZER 1
#endif
#ifdef PLOT_ADDRESS_SANITIZER
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);
__attribute__((weak)) const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\nleak:libcairo.so\n";
}

__attribute__((weak)) const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#endif

/* ------------------------------------------------------------------ */
/* Colours and dashes                                                  */
/* ------------------------------------------------------------------ */

/*
** Okabe-Ito, reordered so that neighbouring groups also differ in grey
** level (relative luminance 0.15, 0.42, 0, 0.41, 0.22, 0.26, 0.29, 0.80);
** yellow comes last because it is faint on white paper.
*/
static const unsigned plot_okabe_ito[8] = {
    0x0072B2, 0xE69F00, 0x000000, 0x56B4E9, 0xD55E00, 0x009E73, 0xCC79A7, 0xF0E442
};

onc_plot_color onc_plot_palette(size_t i)
{
    unsigned rgb = plot_okabe_ito[i % 8];

    return plot_rgb(((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                    (rgb & 0xFF) / 255.0);
}

onc_plot_dash onc_plot_group_dash(size_t i)
{
    static const onc_plot_dash order[6] = {
        ONC_PLOT_DASH_SOLID, ONC_PLOT_DASH_DASHED, ONC_PLOT_DASH_DOTTED,
        ONC_PLOT_DASH_DOTDASH, ONC_PLOT_DASH_LONGDASH, ONC_PLOT_DASH_TWODASH
    };

    return order[i % 6];
}

onc_plot_color plot_rgb(double r, double g, double b)
{
    onc_plot_color c;

    c.r = r;
    c.g = g;
    c.b = b;
    c.a = 1.0;
    return c;
}

onc_plot_color plot_with_alpha(onc_plot_color c, double alpha)
{
    c.a = alpha;
    return c;
}

onc_plot_color plot_black(void) { return plot_rgb(0, 0, 0); }
onc_plot_color plot_grey(double level) { return plot_rgb(level, level, level); }
onc_plot_color plot_none(void) { return plot_with_alpha(plot_rgb(0, 0, 0), 0); }

/* ------------------------------------------------------------------ */
/* Panel mapping                                                       */
/* ------------------------------------------------------------------ */

double onc_plot_panel_x(const onc_plot_panel *p, double v)
{
    double lo = p->x_min, hi = p->x_max;

    if (p->x_log) {
        if (!(v > 0) || !(lo > 0) || !(hi > 0))
            return NAN;
        v = log(v);
        lo = log(lo);
        hi = log(hi);
    }
    if (!(hi > lo))
        return p->left;
    return p->left + (v - lo) / (hi - lo) * (p->right - p->left);
}

double onc_plot_panel_y(const onc_plot_panel *p, double v)
{
    if (!(p->y_max > p->y_min))
        return p->bottom;
    return p->bottom - (v - p->y_min) / (p->y_max - p->y_min) * (p->bottom - p->top);
}

/* ------------------------------------------------------------------ */
/* Builder                                                             */
/* ------------------------------------------------------------------ */

struct plot_builder {
    onc_plot_list *list;
    PangoFontMap *fontmap;
    PangoContext *context;
    PangoLayout *layout;
    onc_status status;
    onc_error error;
};

/* One point per unit and unhinted metrics: see the comment at the top. */
static void plot_context_setup(PangoContext *context)
{
    cairo_font_options_t *fo = cairo_font_options_create();

    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context, fo);
    pango_cairo_context_set_resolution(context, 72.0);
    /* pango rounds glyph advances to whole device units by default, which
    ** at one unit per point would widen 7 pt digits by up to a sixth */
    pango_context_set_round_glyph_positions(context, FALSE);
    cairo_font_options_destroy(fo);
}

static onc_status plot_check_size(double *value, double fallback, double lo, double hi,
                                  const char *what, onc_error *err)
{
    if (*value == 0)
        *value = fallback;
    if (!isfinite(*value) || *value < lo || *value > hi)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "%s %g is outside the range %g to %g", what, *value, lo, hi);
    return ONC_OK;
}

static onc_plot_list *plot_list_new(double width_pt, double height_pt, double dpi)
{
    onc_plot_list *list = onc_callocarray(1, sizeof *list);

    if (list == NULL)
        return NULL;
    list->width = width_pt;
    list->height = height_pt;
    list->dpi = dpi;
    onc_strlcpy(list->font_family, ONC_PLOT_FONT_FAMILY, sizeof list->font_family);
    return list;
}

onc_status plot_builder_new(double width_in, double height_in, double dpi,
                            plot_builder **out, onc_error *err)
{
    plot_builder *b = NULL;
    onc_status st;

    *out = NULL;
    if ((st = plot_check_size(&width_in, PLOT_DEFAULT_WIDTH_IN, 1.0, ONC_PLOT_MAX_SIZE_IN,
                              "figure width (inches)", err)) != ONC_OK)
        return st;
    if (height_in != 0 &&
        (st = plot_check_size(&height_in, 0, 0.5, ONC_PLOT_MAX_SIZE_IN,
                              "figure height (inches)", err)) != ONC_OK)
        return st;
    if ((st = plot_check_size(&dpi, PLOT_DEFAULT_DPI, 10.0, ONC_PLOT_MAX_DPI,
                              "resolution (dpi)", err)) != ONC_OK)
        return st;
    if (width_in * dpi > ONC_PLOT_MAX_PIXELS || height_in * dpi > ONC_PLOT_MAX_PIXELS)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "a %g x %g in figure at %g dpi exceeds %d pixels per side",
                             width_in, height_in, dpi, ONC_PLOT_MAX_PIXELS);

    b = onc_callocarray(1, sizeof *b);
    if (b == NULL)
        goto nomem;
    b->list = plot_list_new(width_in * 72.0, height_in * 72.0, dpi);
    b->fontmap = pango_cairo_font_map_get_default();
    if (b->list == NULL || b->fontmap == NULL)
        goto nomem;
    b->context = pango_font_map_create_context(b->fontmap);
    if (b->context == NULL)
        goto nomem;
    plot_context_setup(b->context);
    b->layout = pango_layout_new(b->context);
    if (b->layout == NULL)
        goto nomem;
    *out = b;
    return ONC_OK;

nomem:
    plot_builder_finish(b, NULL, NULL);
    return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                         "out of memory while starting a figure");
}

onc_status plot_builder_status(const plot_builder *b) { return b->status; }

onc_plot_list *plot_builder_list(plot_builder *b) { return b->list; }

void plot_builder_fail(plot_builder *b, onc_status status, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    if (b->status != ONC_OK)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    b->status = onc_error_set(&b->error, status, NULL, 0, 0, NULL, "%s", msg);
}

void plot_builder_resize(plot_builder *b, double height_pt)
{
    if (!isfinite(height_pt) || height_pt > ONC_PLOT_MAX_SIZE_IN * 72.0) {
        plot_builder_fail(b, ONC_ERR_LIMIT,
                          "the figure would be %.1f in high; the limit is %g in",
                          height_pt / 72.0, ONC_PLOT_MAX_SIZE_IN);
        return;
    }
    if (height_pt < 36.0)
        height_pt = 36.0;
    if (height_pt / 72.0 * b->list->dpi > ONC_PLOT_MAX_PIXELS) {
        plot_builder_fail(b, ONC_ERR_LIMIT,
                          "a figure %.1f in high at %g dpi exceeds %d pixels",
                          height_pt / 72.0, b->list->dpi, ONC_PLOT_MAX_PIXELS);
        return;
    }
    b->list->height = height_pt;
}

onc_status plot_builder_finish(plot_builder *b, onc_plot_list **out, onc_error *err)
{
    onc_status st;

    if (out != NULL)
        *out = NULL;
    if (b == NULL)
        return ONC_OK;
    st = b->status;
    if (st == ONC_OK && out != NULL) {
        *out = b->list;
        b->list = NULL;
    } else if (st != ONC_OK && err != NULL) {
        *err = b->error;
    }
    onc_plot_list_free(b->list);
    if (b->layout != NULL)
        g_object_unref(b->layout);
    if (b->context != NULL)
        g_object_unref(b->context);
    free(b);
    return st;
}

/* ------------------------------------------------------------------ */
/* Text measurement                                                    */
/* ------------------------------------------------------------------ */

int plot_utf8_valid(const char *s)
{
    return s == NULL || g_utf8_validate(s, -1, NULL);
}

static void plot_layout_set(PangoLayout *layout, const char *family, const char *text,
                            double size, int bold, onc_plot_halign halign)
{
    PangoFontDescription *fd = pango_font_description_new();

    pango_font_description_set_family(fd, family);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_alignment(layout, halign == ONC_PLOT_HALIGN_CENTER ? PANGO_ALIGN_CENTER :
                               halign == ONC_PLOT_HALIGN_RIGHT ? PANGO_ALIGN_RIGHT :
                               PANGO_ALIGN_LEFT);
    pango_layout_set_text(layout, text, -1);
}

static plot_extent plot_layout_extent(PangoLayout *layout)
{
    PangoRectangle ink, logical;
    plot_extent e;

    pango_layout_get_extents(layout, &ink, &logical);
    e.width = (double)logical.width / PANGO_SCALE;
    e.height = (double)logical.height / PANGO_SCALE;
    e.baseline = (double)pango_layout_get_baseline(layout) / PANGO_SCALE;
    return e;
}

plot_extent plot_measure(plot_builder *b, const char *text, double size, int bold)
{
    plot_extent none = {0, 0, 0};

    if (b->status != ONC_OK || text == NULL || !(size > 0))
        return none;
    if (!plot_utf8_valid(text)) {
        plot_builder_fail(b, ONC_ERR_USAGE, "a label is not valid UTF-8 text");
        return none;
    }
    plot_layout_set(b->layout, b->list->font_family, text, size, bold, ONC_PLOT_HALIGN_LEFT);
    return plot_layout_extent(b->layout);
}

char *plot_fit_text(plot_builder *b, const char *text, double size, double min_size,
                    int bold, double max_width, double *size_out)
{
    static const char ellipsis[] = "\xE2\x80\xA6";   /* U+2026 */
    char *out = NULL;
    size_t len, lo, hi;
    double s;

    *size_out = size;
    if (b->status != ONC_OK)
        return NULL;
    if (text == NULL)
        text = "";
    if (!plot_utf8_valid(text)) {
        plot_builder_fail(b, ONC_ERR_USAGE, "a label is not valid UTF-8 text");
        return NULL;
    }
    if (min_size > size)
        min_size = size;
    for (s = size; s >= min_size - 1e-9; s -= 0.5) {
        if (plot_measure(b, text, s, bold).width <= max_width) {
            *size_out = s;
            out = onc_strdup(text);
            goto done;
        }
    }
    /* Still too wide at the smallest size: keep the longest prefix that,
    ** with an ellipsis, fits.  Bisection over byte offsets snapped back to
    ** character starts. */
    *size_out = min_size;
    len = strlen(text);
    out = onc_mallocarray(len + sizeof ellipsis, 1);
    if (out == NULL)
        goto done;
    lo = 0;
    hi = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;

        while (mid > 0 && ((unsigned char)text[mid] & 0xC0) == 0x80)
            mid--;
        if (mid <= lo)
            break;
        memcpy(out, text, mid);
        memcpy(out + mid, ellipsis, sizeof ellipsis);
        if (plot_measure(b, out, min_size, bold).width <= max_width)
            lo = mid;
        else
            hi = mid - 1;
    }
    while (lo > 0 && ((unsigned char)text[lo] & 0xC0) == 0x80)
        lo--;
    memcpy(out, text, lo);
    memcpy(out + lo, ellipsis, sizeof ellipsis);

done:
    if (out == NULL)
        plot_builder_fail(b, ONC_ERR_NOMEM, "out of memory while fitting a label");
    return out;
}

onc_plot_box plot_text_box(plot_extent e, double x, double y, onc_plot_halign halign,
                           onc_plot_valign valign, int rotate)
{
    double au = halign == ONC_PLOT_HALIGN_CENTER ? e.width / 2 :
                halign == ONC_PLOT_HALIGN_RIGHT ? e.width : 0;
    double av = valign == ONC_PLOT_VALIGN_MIDDLE ? e.height / 2 :
                valign == ONC_PLOT_VALIGN_BASELINE ? e.baseline :
                valign == ONC_PLOT_VALIGN_BOTTOM ? e.height : 0;
    onc_plot_box box;

    if (rotate) {
        /* Turned a quarter counter-clockwise: the text runs up the page
        ** and its "down" points to the right. */
        box.x0 = x - av;
        box.x1 = x - av + e.height;
        box.y0 = y - (e.width - au);
        box.y1 = y + au;
    } else {
        box.x0 = x - au;
        box.x1 = x - au + e.width;
        box.y0 = y - av;
        box.y1 = y - av + e.height;
    }
    return box;
}

int plot_boxes_overlap(onc_plot_box a, onc_plot_box b)
{
    const double hair = 0.01;

    return fmin(a.x1, b.x1) - fmax(a.x0, b.x0) > hair &&
           fmin(a.y1, b.y1) - fmax(a.y0, b.y0) > hair;
}

/* ------------------------------------------------------------------ */
/* Appending operations                                                */
/* ------------------------------------------------------------------ */

static onc_plot_op *plot_push(plot_builder *b, onc_plot_op_kind kind, onc_plot_role role,
                              long group, long index, size_t n_points)
{
    onc_plot_list *list = b->list;
    onc_plot_op *op;

    if (b->status != ONC_OK)
        return NULL;
    if (list->n_ops >= ONC_PLOT_MAX_OPS) {
        plot_builder_fail(b, ONC_ERR_LIMIT, "the figure needs more than %d drawing operations",
                          ONC_PLOT_MAX_OPS);
        return NULL;
    }
    if (list->n_ops == list->cap_ops) {
        size_t cap = list->cap_ops ? list->cap_ops * 2 : 64;
        onc_plot_op *grown = onc_reallocarray(list->ops, cap, sizeof *grown);

        if (grown == NULL) {
            plot_builder_fail(b, ONC_ERR_NOMEM, "out of memory while drawing a figure");
            return NULL;
        }
        list->ops = grown;
        list->cap_ops = cap;
    }
    op = &list->ops[list->n_ops];
    memset(op, 0, sizeof *op);
    if (n_points > 0) {
        /* x and y share one block; onc_plot_list_free releases x. */
        op->x = onc_mallocarray(n_points, 2 * sizeof(double));
        if (op->x == NULL) {
            plot_builder_fail(b, ONC_ERR_NOMEM, "out of memory while drawing a figure");
            return NULL;
        }
        op->y = op->x + n_points;
    }
    op->kind = kind;
    op->role = role;
    op->group = group;
    op->index = index;
    op->n_points = n_points;
    op->stroke = plot_none();
    op->fill = plot_none();
    list->n_ops++;
    return op;
}

static int plot_points_finite(plot_builder *b, size_t n, const double *x, const double *y)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) {
            plot_builder_fail(b, ONC_ERR_USAGE,
                              "a drawing coordinate is not finite (%g, %g)", x[i], y[i]);
            return 0;
        }
    }
    return 1;
}

static onc_plot_op *plot_add_path(plot_builder *b, onc_plot_op_kind kind, onc_plot_role role,
                                  long group, long index, size_t n, const double *x,
                                  const double *y, double width)
{
    onc_plot_op *op;
    size_t i;

    if (b->status != ONC_OK || !plot_points_finite(b, n, x, y))
        return NULL;
    if (n < 2) {
        plot_builder_fail(b, ONC_ERR_USAGE, "a line needs at least two points");
        return NULL;
    }
    op = plot_push(b, kind, role, group, index, n);
    if (op == NULL)
        return NULL;
    memcpy(op->x, x, n * sizeof *x);
    memcpy(op->y, y, n * sizeof *y);
    op->box.x0 = op->box.x1 = x[0];
    op->box.y0 = op->box.y1 = y[0];
    for (i = 1; i < n; i++) {
        op->box.x0 = fmin(op->box.x0, x[i]);
        op->box.x1 = fmax(op->box.x1, x[i]);
        op->box.y0 = fmin(op->box.y0, y[i]);
        op->box.y1 = fmax(op->box.y1, y[i]);
    }
    op->box.x0 -= width / 2;
    op->box.x1 += width / 2;
    op->box.y0 -= width / 2;
    op->box.y1 += width / 2;
    op->line_width = width;
    return op;
}

onc_plot_op *plot_add_line(plot_builder *b, onc_plot_role role, long group,
                           long index, size_t n, const double *x, const double *y,
                           onc_plot_color color, double width, onc_plot_dash dash)
{
    onc_plot_op *op = plot_add_path(b, ONC_PLOT_OP_LINE, role, group, index, n, x, y, width);

    if (op != NULL) {
        op->stroke = color;
        op->dash = dash;
    }
    return op;
}

onc_plot_op *plot_add_polygon(plot_builder *b, onc_plot_role role, long group,
                              long index, size_t n, const double *x, const double *y,
                              onc_plot_color fill, onc_plot_color stroke, double width)
{
    onc_plot_op *op = plot_add_path(b, ONC_PLOT_OP_POLYGON, role, group, index, n, x, y,
                                    width);

    if (op != NULL) {
        op->fill = fill;
        op->stroke = stroke;
    }
    return op;
}

onc_plot_op *plot_add_segment(plot_builder *b, onc_plot_role role, long group,
                              long index, double x0, double y0, double x1, double y1,
                              onc_plot_color color, double width, onc_plot_dash dash)
{
    double x[2], y[2];

    x[0] = x0;
    x[1] = x1;
    y[0] = y0;
    y[1] = y1;
    return plot_add_line(b, role, group, index, 2, x, y, color, width, dash);
}

onc_plot_op *plot_add_rect(plot_builder *b, onc_plot_role role, long group,
                           long index, onc_plot_box box, onc_plot_color fill,
                           onc_plot_color stroke, double width)
{
    onc_plot_op *op;

    if (b->status != ONC_OK)
        return NULL;
    if (!isfinite(box.x0) || !isfinite(box.x1) || !isfinite(box.y0) || !isfinite(box.y1)) {
        plot_builder_fail(b, ONC_ERR_USAGE, "a rectangle has a coordinate that is not finite");
        return NULL;
    }
    op = plot_push(b, ONC_PLOT_OP_RECT, role, group, index, 0);
    if (op == NULL)
        return NULL;
    op->box.x0 = fmin(box.x0, box.x1);
    op->box.x1 = fmax(box.x0, box.x1);
    op->box.y0 = fmin(box.y0, box.y1);
    op->box.y1 = fmax(box.y0, box.y1);
    op->fill = fill;
    op->stroke = stroke;
    op->line_width = width;
    return op;
}

/* The page area a marker covers (arrow heads have their tip on the point). */
static onc_plot_box plot_marker_box(onc_plot_marker marker, double x, double y, double s)
{
    double r = s / 2, w = s * 0.45;
    onc_plot_box box;

    box.x0 = x - r;
    box.x1 = x + r;
    box.y0 = y - r;
    box.y1 = y + r;
    switch (marker) {
    case ONC_PLOT_MARKER_ARROW_RIGHT:
        box.x0 = x - s, box.x1 = x, box.y0 = y - w, box.y1 = y + w;
        break;
    case ONC_PLOT_MARKER_ARROW_LEFT:
        box.x0 = x, box.x1 = x + s, box.y0 = y - w, box.y1 = y + w;
        break;
    case ONC_PLOT_MARKER_ARROW_UP:
        box.x0 = x - w, box.x1 = x + w, box.y0 = y, box.y1 = y + s;
        break;
    case ONC_PLOT_MARKER_ARROW_DOWN:
        box.x0 = x - w, box.x1 = x + w, box.y0 = y - s, box.y1 = y;
        break;
    default:
        break;
    }
    return box;
}

onc_plot_op *plot_add_marker(plot_builder *b, onc_plot_role role, long group,
                             long index, onc_plot_marker marker, double x, double y,
                             double size, onc_plot_color fill, onc_plot_color stroke,
                             double width)
{
    onc_plot_op *op;

    if (b->status != ONC_OK || !plot_points_finite(b, 1, &x, &y))
        return NULL;
    op = plot_push(b, ONC_PLOT_OP_MARKER, role, group, index, 1);
    if (op == NULL)
        return NULL;
    op->x[0] = x;
    op->y[0] = y;
    op->marker = marker;
    op->size = size;
    op->fill = fill;
    op->stroke = stroke;
    op->line_width = width;
    op->box = plot_marker_box(marker, x, y, size);
    return op;
}

onc_plot_op *plot_add_text(plot_builder *b, onc_plot_role role, long group,
                           long index, const char *text, double x, double y,
                           double size, int bold, onc_plot_halign halign,
                           onc_plot_valign valign, int rotate, onc_plot_color color)
{
    onc_plot_op *op;
    plot_extent e;
    char *copy;

    if (b->status != ONC_OK || !plot_points_finite(b, 1, &x, &y))
        return NULL;
    if (text == NULL || text[0] == '\0')
        return NULL;
    e = plot_measure(b, text, size, bold);
    if (b->status != ONC_OK)
        return NULL;
    copy = onc_strdup(text);
    if (copy == NULL) {
        plot_builder_fail(b, ONC_ERR_NOMEM, "out of memory while drawing a figure");
        return NULL;
    }
    op = plot_push(b, ONC_PLOT_OP_TEXT, role, group, index, 1);
    if (op == NULL) {
        free(copy);
        return NULL;
    }
    op->x[0] = x;
    op->y[0] = y;
    op->text = copy;
    op->size = size;
    op->bold = bold;
    op->halign = halign;
    op->valign = valign;
    op->rotate = rotate ? 90 : 0;
    op->fill = color;
    op->box = plot_text_box(e, x, y, halign, valign, rotate);
    return op;
}

void onc_plot_list_free(onc_plot_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n_ops; i++) {
        free(list->ops[i].x);
        free(list->ops[i].text);
    }
    free(list->ops);
    free(list);
}

/* ------------------------------------------------------------------ */
/* Placing a legend or annotation                                      */
/* ------------------------------------------------------------------ */

/* Liang-Barsky: does the segment cross the rectangle? */
static int plot_segment_hits(double x0, double y0, double x1, double y1, onc_plot_box r)
{
    double p[4], q[4], t0 = 0, t1 = 1;
    int k;

    p[0] = -(x1 - x0), q[0] = x0 - r.x0;
    p[1] = x1 - x0, q[1] = r.x1 - x0;
    p[2] = -(y1 - y0), q[2] = y0 - r.y0;
    p[3] = y1 - y0, q[3] = r.y1 - y0;
    for (k = 0; k < 4; k++) {
        if (p[k] == 0) {
            if (q[k] < 0)
                return 0;
        } else {
            double t = q[k] / p[k];

            if (p[k] < 0) {
                if (t > t1)
                    return 0;
                if (t > t0)
                    t0 = t;
            } else {
                if (t < t0)
                    return 0;
                if (t < t1)
                    t1 = t;
            }
        }
    }
    return 1;
}

static double plot_collisions(const onc_plot_list *list, onc_plot_box box)
{
    double hits = 0;
    size_t i, k;

    for (i = 0; i < list->n_ops; i++) {
        const onc_plot_op *op = &list->ops[i];

        switch (op->role) {
        case ONC_PLOT_ROLE_AXIS: case ONC_PLOT_ROLE_TICK: case ONC_PLOT_ROLE_TICK_LABEL:
        case ONC_PLOT_ROLE_AXIS_TITLE: case ONC_PLOT_ROLE_TITLE:
            continue;
        default:
            break;
        }
        if (!plot_boxes_overlap(op->box, box))
            continue;
        if (op->kind == ONC_PLOT_OP_LINE || op->kind == ONC_PLOT_OP_POLYGON) {
            /* A band under the legend matters less than a line through it. */
            double weight = op->kind == ONC_PLOT_OP_POLYGON ? 0.25 : 1.0;

            for (k = 0; k + 1 < op->n_points; k++)
                if (plot_segment_hits(op->x[k], op->y[k], op->x[k + 1], op->y[k + 1], box))
                    hits += weight;
        } else {
            hits += 1;
        }
    }
    return hits;
}

onc_plot_box plot_place_box(const plot_builder *b, double w, double h, double inset,
                            const int *order, size_t n_order,
                            const onc_plot_box *taken, size_t n_taken, int *found)
{
    const onc_plot_panel *p = &b->list->panel;
    onc_plot_box best = {0, 0, 0, 0};
    double best_score = INFINITY;
    size_t i, k;

    *found = 0;
    for (i = 0; i < n_order; i++) {
        onc_plot_box box;
        double score;
        int right = order[i] == 0 || order[i] == 2;
        int centre = order[i] == 4 || order[i] == 5;
        int top = order[i] == 0 || order[i] == 3 || order[i] == 4;

        box.x0 = centre ? (p->left + p->right - w) / 2 : right ? p->right - inset - w
                                                                : p->left + inset;
        box.y0 = top ? p->top + inset : p->bottom - inset - h;
        box.x1 = box.x0 + w;
        box.y1 = box.y0 + h;
        score = plot_collisions(b->list, box);
        for (k = 0; k < n_taken; k++)
            if (plot_boxes_overlap(box, taken[k]))
                score += 1e12;
        if (score < best_score) {
            best_score = score;
            best = box;
        }
    }
    *found = best_score < 1e12;
    return best;
}

/* ------------------------------------------------------------------ */
/* Axes                                                                */
/* ------------------------------------------------------------------ */

/*
** R_pretty() of R 4.2 (src/appl/pretty.c) with pretty.default()'s
** arguments, followed by seq.int(l, u, length.out = n + 1) and the zapping
** of values within 1e-14 * step of zero that pretty.default() performs.
** The arithmetic follows R's order so that the breaks agree exactly.
*/
onc_status onc_plot_pretty(double lo, double hi, int n, double *breaks,
                           size_t cap, size_t *n_breaks, onc_error *err)
{
    const double rounding_eps = 1e-10, shrink_sml = 0.75, h = 1.5;
    const double h5 = 0.5 + 1.5 * h, f_min = 0x1p-20;
    int min_n, ndiv = n, i_small, k;
    double dx, cell, unit, base, ns, nu, U, subsmall, l, u, by;
    size_t i, count;

    *n_breaks = 0;
    if (!isfinite(lo) || !isfinite(hi) || lo > hi)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "axis limits %g to %g are not an ascending finite range", lo, hi);
    if (n < 1 || n > ONC_PLOT_MAX_BREAKS)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "asked for %d axis intervals; use 1 to %d", n,
                             ONC_PLOT_MAX_BREAKS);
    min_n = n / 3;
    dx = hi - lo;
    if (dx == 0 && hi == 0) {
        cell = 1;
        i_small = 1;
    } else {
        cell = fmax(fabs(lo), fabs(hi));
        U = 1 + ((h5 >= 1.5 * h + .5) ? 1 / (1 + h) : 1.5 / (1 + h5));
        U *= (ndiv > 1 ? ndiv : 1) * DBL_EPSILON;
        i_small = dx < cell * U * 3;
    }
    if (i_small) {
        if (cell > 10)
            cell = 9 + cell / 10;
        cell *= shrink_sml;
        if (min_n > 1)
            cell /= min_n;
    } else {
        cell = dx;
        if (ndiv > 1)
            cell /= ndiv;
    }
    subsmall = f_min * DBL_MIN;
    if (cell < subsmall)
        cell = subsmall;
    else if (cell > DBL_MAX / 1.25)
        cell = DBL_MAX / 1.25;

    base = pow(10.0, floor(log10(cell)));
    unit = base;
    if ((ns = 2 * base) - cell < h * (cell - unit)) {
        unit = ns;
        if ((ns = 5 * base) - cell < h5 * (cell - unit)) {
            unit = ns;
            if ((ns = 10 * base) - cell < h * (cell - unit))
                unit = ns;
        }
    }
    ns = floor(lo / unit + rounding_eps);
    nu = ceil(hi / unit - rounding_eps);
    while (ns * unit > lo + rounding_eps * unit)
        ns--;
    while (nu * unit < hi - rounding_eps * unit)
        nu++;
    k = (int)(0.5 + nu - ns);
    if (k < min_n) {
        k = min_n - k;
        if (ns >= 0.) {
            nu += k / 2;
            ns -= k / 2 + k % 2;
        } else {
            ns -= k / 2;
            nu += k / 2 + k % 2;
        }
        ndiv = min_n;
    } else {
        ndiv = k;
    }
    l = lo;
    u = hi;
    if (ns * unit < l)
        l = ns * unit;
    if (nu * unit > u)
        u = nu * unit;

    count = (size_t)ndiv + 1;
    if (count > cap)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "the axis needs %zu breaks; room for %zu", count, cap);
    /* seq.int(l, u, length.out = count) as R 4.2 computes it: l + i * by,
    ** with the last value exactly u. */
    by = count > 1 ? (u - l) / (double)(count - 1) : 0;
    for (i = 0; i + 1 < count; i++)
        breaks[i] = l + (double)i * by;
    breaks[count - 1] = u;
    if (ndiv > 0) {
        double delta = (u - l) / ndiv;

        for (i = 0; i < count; i++)
            if (fabs(breaks[i]) < 1e-14 * delta)
                breaks[i] = 0;
    }
    *n_breaks = count;
    return ONC_OK;
}

static int plot_unit_is(const char *unit, const char *singular)
{
    size_t len = strlen(singular);

    return strncasecmp(unit, singular, len) == 0 &&
           (unit[len] == '\0' || ((unit[len] == 's' || unit[len] == 'S') && unit[len + 1] == '\0'));
}

onc_status onc_plot_time_breaks(double tmax, const char *unit, double *breaks,
                                size_t cap, size_t *n_breaks, onc_error *err)
{
    /* Calendar steps: quarters and half-years in months, 4-week months,
    ** 13-week quarters and 52-week years in weeks. */
    static const double months[] = {1, 2, 3, 6, 12, 24, 36, 60, 120, 240, 600, 1200};
    static const double weeks[] = {1, 2, 4, 8, 13, 26, 52, 104, 156, 260, 520, 1040};
    const int max_intervals = 8;
    const double *steps = NULL;
    size_t n_steps = 0, i, k;

    *n_breaks = 0;
    if (!isfinite(tmax) || tmax < 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the end of a time axis must be finite and >= 0, not %g", tmax);
    if (tmax == 0)
        tmax = 1;
    if (unit != NULL && plot_unit_is(unit, "month")) {
        steps = months;
        n_steps = sizeof months / sizeof months[0];
    } else if (unit != NULL && plot_unit_is(unit, "week")) {
        steps = weeks;
        n_steps = sizeof weeks / sizeof weeks[0];
    }
    for (i = 0; i < n_steps; i++) {
        double q = ceil(tmax / steps[i] - 1e-9);

        if (q > max_intervals)
            continue;
        if (q < 2)
            break;          /* even the finest step is too coarse: pretty() */
        if ((size_t)q + 1 > cap)
            return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                                 "the axis needs %zu breaks; room for %zu",
                                 (size_t)q + 1, cap);
        for (k = 0; k <= (size_t)q; k++)
            breaks[k] = (double)k * steps[i];
        *n_breaks = (size_t)q + 1;
        return ONC_OK;
    }
    return onc_plot_pretty(0, tmax, 5, breaks, cap, n_breaks, err);
}

/* m * 10^e, correctly rounded for negative e (0.2, not 2 * 0.1000...01). */
static double plot_decade(double m, int e)
{
    return e >= 0 ? m * pow(10.0, e) : m / pow(10.0, -e);
}

onc_status onc_plot_log_breaks(double lo, double hi, double *breaks,
                               size_t cap, size_t *n_breaks, onc_error *err)
{
    static const double mant[3] = {1, 2, 5};
    double a, z;
    int e, e0, e1, j, j0 = 0, j1 = 0, stride;
    size_t count = 0;

    *n_breaks = 0;
    if (!isfinite(lo) || !isfinite(hi) || !(lo > 0) || !(hi > 0) || lo > hi)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "log-axis limits %g to %g must be finite, positive and ascending",
                             lo, hi);
    a = fmin(lo, 1.0);
    z = fmax(hi, 1.0);
    e0 = (int)floor(log10(a));
    e1 = (int)ceil(log10(z));
    /* Largest 1-2-5 value <= a, smallest >= z, allowing for rounding. */
    for (j = 2; j >= 0; j--)
        if (plot_decade(mant[j], e0) <= a * (1 + 1e-9)) {
            j0 = j;
            break;
        }
    for (e = e1 - 1; e <= e1; e++) {
        for (j = 0; j < 3; j++)
            if (plot_decade(mant[j], e) >= z * (1 - 1e-9))
                break;
        if (j < 3) {
            e1 = e;
            j1 = j;
            break;
        }
    }
    if ((e1 - e0) * 3 + (j1 - j0) + 1 <= 9) {
        for (e = e0; e <= e1; e++)
            for (j = (e == e0 ? j0 : 0); j <= (e == e1 ? j1 : 2); j++) {
                if (count == cap)
                    goto too_many;
                breaks[count++] = plot_decade(mant[j], e);
            }
        *n_breaks = count;
        return ONC_OK;
    }
    /* Powers of ten only, every stride-th, still covering 1. */
    e0 = (int)floor(log10(a) + 1e-9);
    e1 = (int)ceil(log10(z) - 1e-9);
    stride = 1 + (e1 - e0) / 9;
    e0 = -((-e0 + stride - 1) / stride) * stride;
    for (e = e0; e < e1 + stride; e += stride) {
        if (count == cap)
            goto too_many;
        breaks[count++] = plot_decade(1, e);
    }
    *n_breaks = count;
    return ONC_OK;

too_many:
    return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                         "the log axis needs more than %zu breaks", cap);
}

int onc_plot_tick_decimals(const double *v, size_t n)
{
    int d;
    size_t i;

    for (d = 0; d < 6; d++) {
        double scale = pow(10.0, d);

        for (i = 0; i < n; i++) {
            double s = v[i] * scale;

            if (isfinite(s) && fabs(s - nearbyint(s)) > 1e-9 * fmax(1.0, fabs(s)))
                break;
        }
        if (i == n)
            return d;
    }
    return 6;
}

void plot_format_tick(double v, int decimals, double scale, char *label, size_t cap)
{
    snprintf(label, cap, "%.*f", decimals, v * scale);
    if (label[0] == '-' && strspn(label + 1, "0.") == strlen(label + 1))
        memmove(label, label + 1, strlen(label));
}

int plot_labels_fit(const double *x, const double *width, size_t n, double gap)
{
    size_t i;

    for (i = 0; i + 1 < n; i++)
        if (x[i + 1] - width[i + 1] / 2 - (x[i] + width[i] / 2) < gap)
            return 0;
    return 1;
}

size_t plot_flow(const double *width, size_t n, double max_width, double gap, double *x,
                 size_t *row)
{
    size_t i, r = 0;
    double at = 0;

    for (i = 0; i < n; i++) {
        if (at > 0 && at + width[i] > max_width) {
            r++;
            at = 0;
        }
        x[i] = at;
        row[i] = r;
        at += width[i] + gap;
    }
    return n > 0 ? r + 1 : 0;
}

/* ------------------------------------------------------------------ */
/* cairo backend                                                       */
/* ------------------------------------------------------------------ */

onc_plot_format onc_plot_format_from_path(const char *path)
{
    const char *dot;

    if (path == NULL || (dot = strrchr(path, '.')) == NULL || strchr(dot, '/') != NULL)
        return ONC_PLOT_FORMAT_UNKNOWN;
    if (strcasecmp(dot, ".png") == 0)
        return ONC_PLOT_FORMAT_PNG;
    if (strcasecmp(dot, ".svg") == 0)
        return ONC_PLOT_FORMAT_SVG;
    if (strcasecmp(dot, ".pdf") == 0)
        return ONC_PLOT_FORMAT_PDF;
    return ONC_PLOT_FORMAT_UNKNOWN;
}

static void plot_source(cairo_t *cr, onc_plot_color c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

/* Dash lengths in multiples of the line width, floored at 1 pt wide. */
static void plot_set_dash(cairo_t *cr, onc_plot_dash dash, double width)
{
    static const double dashed[] = {4, 2.5}, dotted[] = {1, 1.8},
                        dotdash[] = {1, 2, 4, 2}, longdash[] = {8, 2.5},
                        twodash[] = {4, 1.5, 1.5, 1.5};
    const double *pattern = NULL;
    double scaled[4], unit = fmax(width, 1.0);
    int n = 0, i;

    switch (dash) {
    case ONC_PLOT_DASH_DASHED: pattern = dashed; n = 2; break;
    case ONC_PLOT_DASH_DOTTED: pattern = dotted; n = 2; break;
    case ONC_PLOT_DASH_DOTDASH: pattern = dotdash; n = 4; break;
    case ONC_PLOT_DASH_LONGDASH: pattern = longdash; n = 2; break;
    case ONC_PLOT_DASH_TWODASH: pattern = twodash; n = 4; break;
    default: break;
    }
    for (i = 0; i < n; i++)
        scaled[i] = pattern[i] * unit;
    cairo_set_dash(cr, scaled, n, 0);
}

static void plot_fill_and_stroke(cairo_t *cr, const onc_plot_op *op)
{
    if (op->fill.a > 0) {
        plot_source(cr, op->fill);
        if (op->stroke.a > 0 && op->line_width > 0)
            cairo_fill_preserve(cr);
        else
            cairo_fill(cr);
    }
    if (op->stroke.a > 0 && op->line_width > 0) {
        plot_source(cr, op->stroke);
        cairo_set_line_width(cr, op->line_width);
        plot_set_dash(cr, op->dash, op->line_width);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

static void plot_draw_marker(cairo_t *cr, const onc_plot_op *op)
{
    double x = op->x[0], y = op->y[0], s = op->size, r = s / 2, w = s * 0.45;

    switch (op->marker) {
    case ONC_PLOT_MARKER_PLUS:
        cairo_move_to(cr, x - r, y);
        cairo_line_to(cr, x + r, y);
        cairo_move_to(cr, x, y - r);
        cairo_line_to(cr, x, y + r);
        break;
    case ONC_PLOT_MARKER_CROSS:
        cairo_move_to(cr, x - r, y - r);
        cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x - r, y + r);
        cairo_line_to(cr, x + r, y - r);
        break;
    case ONC_PLOT_MARKER_SQUARE:
        cairo_rectangle(cr, x - r, y - r, s, s);
        break;
    case ONC_PLOT_MARKER_DIAMOND:
        cairo_move_to(cr, x, y - r);
        cairo_line_to(cr, x + r, y);
        cairo_line_to(cr, x, y + r);
        cairo_line_to(cr, x - r, y);
        cairo_close_path(cr);
        break;
    case ONC_PLOT_MARKER_CIRCLE:
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * G_PI);
        break;
    case ONC_PLOT_MARKER_TRIANGLE:
        cairo_move_to(cr, x, y - r);
        cairo_line_to(cr, x + r, y + 0.75 * r);
        cairo_line_to(cr, x - r, y + 0.75 * r);
        cairo_close_path(cr);
        break;
    case ONC_PLOT_MARKER_ARROW_RIGHT:
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x - s, y - w);
        cairo_line_to(cr, x - s, y + w);
        cairo_close_path(cr);
        break;
    case ONC_PLOT_MARKER_ARROW_LEFT:
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + s, y - w);
        cairo_line_to(cr, x + s, y + w);
        cairo_close_path(cr);
        break;
    case ONC_PLOT_MARKER_ARROW_UP:
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x - w, y + s);
        cairo_line_to(cr, x + w, y + s);
        cairo_close_path(cr);
        break;
    case ONC_PLOT_MARKER_ARROW_DOWN:
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x - w, y - s);
        cairo_line_to(cr, x + w, y - s);
        cairo_close_path(cr);
        break;
    }
    plot_fill_and_stroke(cr, op);
}

static void plot_draw_text(cairo_t *cr, PangoLayout *layout, const char *family,
                           const onc_plot_op *op)
{
    PangoRectangle ink, logical;
    plot_extent e;
    double au, av;

    plot_layout_set(layout, family, op->text, op->size, op->bold, op->halign);
    pango_cairo_update_layout(cr, layout);
    pango_layout_get_extents(layout, &ink, &logical);
    e = plot_layout_extent(layout);
    au = op->halign == ONC_PLOT_HALIGN_CENTER ? e.width / 2 :
         op->halign == ONC_PLOT_HALIGN_RIGHT ? e.width : 0;
    av = op->valign == ONC_PLOT_VALIGN_MIDDLE ? e.height / 2 :
         op->valign == ONC_PLOT_VALIGN_BASELINE ? e.baseline :
         op->valign == ONC_PLOT_VALIGN_BOTTOM ? e.height : 0;
    cairo_save(cr);
    cairo_translate(cr, op->x[0], op->y[0]);
    if (op->rotate)
        cairo_rotate(cr, -G_PI / 2);
    cairo_move_to(cr, -au - (double)logical.x / PANGO_SCALE,
                  -av - (double)logical.y / PANGO_SCALE);
    plot_source(cr, op->fill);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);
}

static void plot_replay(cairo_t *cr, PangoLayout *layout, const onc_plot_list *list)
{
    size_t i, k;

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (i = 0; i < list->n_ops; i++) {
        const onc_plot_op *op = &list->ops[i];

        cairo_save(cr);
        if (op->clip) {
            const onc_plot_panel *p = &list->panel;

            cairo_rectangle(cr, p->left, p->top, p->right - p->left, p->bottom - p->top);
            cairo_clip(cr);
        }
        switch (op->kind) {
        case ONC_PLOT_OP_LINE:
        case ONC_PLOT_OP_POLYGON:
            if (op->n_points < 2)
                break;
            cairo_move_to(cr, op->x[0], op->y[0]);
            for (k = 1; k < op->n_points; k++)
                cairo_line_to(cr, op->x[k], op->y[k]);
            if (op->kind == ONC_PLOT_OP_POLYGON)
                cairo_close_path(cr);
            plot_fill_and_stroke(cr, op);
            break;
        case ONC_PLOT_OP_RECT:
            cairo_rectangle(cr, op->box.x0, op->box.y0, op->box.x1 - op->box.x0,
                            op->box.y1 - op->box.y0);
            plot_fill_and_stroke(cr, op);
            break;
        case ONC_PLOT_OP_MARKER:
            if (op->n_points >= 1)
                plot_draw_marker(cr, op);
            break;
        case ONC_PLOT_OP_TEXT:
            if (op->n_points >= 1 && op->text != NULL && plot_utf8_valid(op->text))
                plot_draw_text(cr, layout, list->font_family, op);
            break;
        }
        cairo_restore(cr);
    }
}

typedef struct plot_sink {
    FILE *fp;
    int error;           /* errno of the first failed write */
} plot_sink;

static cairo_status_t plot_sink_write(void *closure, const unsigned char *data,
                                      unsigned int length)
{
    plot_sink *sink = closure;

    if (sink->error != 0)
        return CAIRO_STATUS_WRITE_ERROR;
    if (fwrite(data, 1, length, sink->fp) != length) {
        sink->error = errno != 0 ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

onc_status onc_plot_list_write(const onc_plot_list *list, const char *path,
                               onc_error *err)
{
    onc_plot_format format = onc_plot_format_from_path(path);
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    PangoFontMap *fontmap = NULL;
    PangoContext *context = NULL;
    PangoLayout *layout = NULL;
    plot_sink sink = {NULL, 0};
    char *tmp = NULL;
    size_t len;
    onc_status st = ONC_OK;
    cairo_status_t cst;

    if (list == NULL || path == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "no figure or no output path given");
    if (format == ONC_PLOT_FORMAT_UNKNOWN)
        return onc_error_set(err, ONC_ERR_USAGE, path, 0, 0, NULL,
                             "unknown figure format: the name must end in .png, .svg or .pdf");
    if (!(list->width >= 36 && list->width <= ONC_PLOT_MAX_SIZE_IN * 72) ||
        !(list->height >= 36 && list->height <= ONC_PLOT_MAX_SIZE_IN * 72) ||
        !(list->dpi >= 10 && list->dpi <= ONC_PLOT_MAX_DPI) ||
        list->width / 72 * list->dpi > ONC_PLOT_MAX_PIXELS ||
        list->height / 72 * list->dpi > ONC_PLOT_MAX_PIXELS ||
        (format == ONC_PLOT_FORMAT_PNG &&
         (list->width / 72 * list->dpi) * (list->height / 72 * list->dpi) >
             ONC_PLOT_MAX_PIXEL_AREA))
        return onc_error_set(err, ONC_ERR_LIMIT, path, 0, 0, NULL,
                             "a %.2f x %.2f in figure at %g dpi is outside the limits",
                             list->width / 72, list->height / 72, list->dpi);

    len = strlen(path);
    tmp = onc_mallocarray(len + sizeof ".tmp", 1);
    if (tmp == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", sizeof ".tmp");
    sink.fp = fopen(tmp, "wb");
    if (sink.fp == NULL) {
        st = onc_error_set(err, ONC_ERR_IO, tmp, 0, 0, NULL, "cannot create: %s",
                           strerror(errno));
        free(tmp);
        return st;
    }

    switch (format) {
    case ONC_PLOT_FORMAT_PNG:
        surface = cairo_image_surface_create(
            CAIRO_FORMAT_ARGB32, (int)ceil(list->width / 72 * list->dpi - 1e-9),
            (int)ceil(list->height / 72 * list->dpi - 1e-9));
        break;
    case ONC_PLOT_FORMAT_SVG:
        surface = cairo_svg_surface_create_for_stream(plot_sink_write, &sink,
                                                      list->width, list->height);
        break;
    default:
        surface = cairo_pdf_surface_create_for_stream(plot_sink_write, &sink,
                                                      list->width, list->height);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
                                       "oncostat " ONC_VERSION);
        break;
    }
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        st = onc_error_set(err, ONC_ERR_NOMEM, path, 0, 0, NULL, "cannot start the figure: %s",
                           cairo_status_to_string(cairo_surface_status(surface)));
        goto cleanup;
    }
    cr = cairo_create(surface);
    if (format == ONC_PLOT_FORMAT_PNG)
        cairo_scale(cr, list->dpi / 72, list->dpi / 72);
    fontmap = pango_cairo_font_map_get_default();
    context = pango_font_map_create_context(fontmap);
    plot_context_setup(context);
    layout = pango_layout_new(context);
    plot_replay(cr, layout, list);
    cst = cairo_status(cr);
    cairo_destroy(cr);
    cr = NULL;
    if (cst == CAIRO_STATUS_SUCCESS && format == ONC_PLOT_FORMAT_PNG)
        cst = cairo_surface_write_to_png_stream(surface, plot_sink_write, &sink);
    cairo_surface_finish(surface);
    if (cst == CAIRO_STATUS_SUCCESS)
        cst = cairo_surface_status(surface);
    if (cst != CAIRO_STATUS_SUCCESS || sink.error != 0) {
        st = onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot write the figure: %s",
                           sink.error != 0 ? strerror(sink.error) : cairo_status_to_string(cst));
        goto cleanup;
    }

cleanup:
    if (layout != NULL)
        g_object_unref(layout);
    if (context != NULL)
        g_object_unref(context);
    if (cr != NULL)
        cairo_destroy(cr);
    if (surface != NULL)
        cairo_surface_destroy(surface);
    if (sink.fp != NULL && fclose(sink.fp) != 0 && st == ONC_OK)
        st = onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot write the figure: %s",
                           strerror(errno));
    if (st == ONC_OK && rename(tmp, path) != 0)
        st = onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot rename %s: %s", tmp,
                           strerror(errno));
    if (st != ONC_OK)
        remove(tmp);
    free(tmp);
    return st;
}
