/*
** render/plot_internal.h -- the display-list builder shared by the figure
** files (plot_km.c, plot_forest.c, plot_waterfall.c, plot_swimmer.c);
** not a public API.
**
** A builder owns the list under construction and a pango context used to
** measure text.  Its status is sticky, as in cairo: once an operation
** fails (out of memory, too many operations, invalid UTF-8), later
** additions do nothing, and the figure code checks plot_builder_status()
** before finishing.  Layout code stays free of error plumbing and the
** first error is never lost.
*/
#ifndef ONC_RENDER_PLOT_INTERNAL_H
#define ONC_RENDER_PLOT_INTERNAL_H

#include <stddef.h>

#include "oncostat/plot.h"

/* Base sizes in points; a figure's font_size option scales the fonts. */
#define PLOT_DEFAULT_FONT 9.0
#define PLOT_MIN_FONT 6.0          /* smallest text a journal will print */
#define PLOT_DEFAULT_WIDTH_IN 7.0
#define PLOT_DEFAULT_DPI 300.0
#define PLOT_TICK_LENGTH 4.0
#define PLOT_AXIS_WIDTH 0.75
#define PLOT_TEXT_GAP 3.0          /* least blank space between two texts */
#define PLOT_MARGIN 6.0            /* blank border around the page */

typedef struct plot_builder plot_builder;

/*
** Start a list of width x height inches at dpi (zeros take the defaults;
** height may be 0 when the figure sets it later with plot_builder_resize).
** Validates the sizes against the limits of plot.h.
*/
onc_status plot_builder_new(double width_in, double height_in, double dpi,
                            plot_builder **out, onc_error *err);
/* The first failure recorded, or ONC_OK. */
onc_status plot_builder_status(const plot_builder *b);
/* Record a failure unless one is already recorded. */
void plot_builder_fail(plot_builder *b, onc_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
onc_plot_list *plot_builder_list(plot_builder *b);
/* Set the page height in points (checked against ONC_PLOT_MAX_SIZE_IN). */
void plot_builder_resize(plot_builder *b, double height_pt);
/*
** Free the builder.  On success the list is handed to *out; otherwise it
** is freed, the error copied into err and the status returned.
*/
onc_status plot_builder_finish(plot_builder *b, onc_plot_list **out, onc_error *err);

/* Logical size of text at `size` points; baseline is the first line's. */
typedef struct plot_extent {
    double width, height, baseline;
} plot_extent;
plot_extent plot_measure(plot_builder *b, const char *text, double size, int bold);

/*
** Shrink `text` from `size` towards min_size until it is at most max_width
** wide; if it still does not fit, cut it at a character boundary and end it
** with an ellipsis.  Returns a new string (NULL on failure, with the
** builder's status set) and the size chosen in *size_out.
*/
char *plot_fit_text(plot_builder *b, const char *text, double size, double min_size,
                    int bold, double max_width, double *size_out);

/* Is s valid UTF-8 (NULL counts as valid)? */
int plot_utf8_valid(const char *s);

/*
** Append operations.  Each returns the new operation (valid only until the
** next append) or NULL when the builder has failed.  Text is measured and
** its box filled in.
*/
onc_plot_op *plot_add_line(plot_builder *b, onc_plot_role role, long group,
                           long index, size_t n, const double *x, const double *y,
                           onc_plot_color color, double width, onc_plot_dash dash);
onc_plot_op *plot_add_polygon(plot_builder *b, onc_plot_role role, long group,
                              long index, size_t n, const double *x, const double *y,
                              onc_plot_color fill, onc_plot_color stroke, double width);
onc_plot_op *plot_add_segment(plot_builder *b, onc_plot_role role, long group,
                              long index, double x0, double y0, double x1, double y1,
                              onc_plot_color color, double width, onc_plot_dash dash);
onc_plot_op *plot_add_rect(plot_builder *b, onc_plot_role role, long group,
                           long index, onc_plot_box box, onc_plot_color fill,
                           onc_plot_color stroke, double width);
onc_plot_op *plot_add_marker(plot_builder *b, onc_plot_role role, long group,
                             long index, onc_plot_marker marker, double x, double y,
                             double size, onc_plot_color fill, onc_plot_color stroke,
                             double width);
onc_plot_op *plot_add_text(plot_builder *b, onc_plot_role role, long group,
                           long index, const char *text, double x, double y,
                           double size, int bold, onc_plot_halign halign,
                           onc_plot_valign valign, int rotate, onc_plot_color color);

/* Where a text of extent e would land, without adding it. */
onc_plot_box plot_text_box(plot_extent e, double x, double y, onc_plot_halign halign,
                           onc_plot_valign valign, int rotate);

/* Do two boxes overlap by more than a hair (0.01 pt)? */
int plot_boxes_overlap(onc_plot_box a, onc_plot_box b);

onc_plot_color plot_rgb(double r, double g, double b);
onc_plot_color plot_with_alpha(onc_plot_color c, double alpha);
onc_plot_color plot_black(void);
onc_plot_color plot_grey(double level);
onc_plot_color plot_none(void);

/*
** Tick label of v with `decimals` places after multiplying by `scale`
** (100 for a percent axis); "-0" is printed as "0".
*/
void plot_format_tick(double v, int decimals, double scale, char *label, size_t cap);

/*
** Can labels of the given widths, centred on ascending positions x, stand
** side by side with at least `gap` points between neighbours?
*/
int plot_labels_fit(const double *x, const double *width, size_t n, double gap);

/*
** Choose a place in the panel for a box of w x h (inset points from the
** panel's edges) that crosses the fewest curves, bars and markers already
** in the list and overlaps none of the `taken` boxes.  Places are tried in
** the order given (0 top-right, 1 bottom-left, 2 bottom-right, 3 top-left,
** 4 top-centre, 5 bottom-centre); ties go to the earlier one.  *found is 0 when every corner overlaps a
** taken box (the least bad one is still returned).
*/
onc_plot_box plot_place_box(const plot_builder *b, double w, double h, double inset,
                            const int *order, size_t n_order,
                            const onc_plot_box *taken, size_t n_taken, int *found);

/*
** Flow legend entries of the given widths into rows no wider than
** max_width, `gap` apart: x[i] receives each entry's offset within its row
** and row[i] its row.  Returns the number of rows (0 for no entries).
** Used when a legend is too tall to sit inside its panel.
*/
size_t plot_flow(const double *width, size_t n, double max_width, double gap, double *x,
                 size_t *row);

#endif
