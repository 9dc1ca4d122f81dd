/*
** oncostat/plot.h -- publication figures: Kaplan-Meier curves with numbers
** at risk, subgroup forest plots, waterfall plots and swimmer plots, written
** as PNG, SVG or PDF.
**
** How a figure is made.  Each figure is built in two steps:
**
**   1. onc_plot_<figure>_build() lays the figure out and returns a display
**      list: an array of primitive drawing operations (lines, polygons,
**      rectangles, markers and text) in page coordinates, each tagged with
**      the role it plays ("tick", "atrisk", "censor", ...) and the group or
**      row it belongs to.  Text is measured with pango while the list is
**      built, so every text operation carries its final bounding box; the
**      layout shrinks fonts, thins tick labels or shortens labels so that
**      no two texts overlap.
**   2. onc_plot_list_write() replays the list onto a cairo surface chosen by
**      the file extension (.png, .svg, .pdf) and writes the file atomically:
**      the figure is rendered into "<path>.tmp", which is renamed onto
**      <path> only when complete.
**
** onc_plot_km(), onc_plot_forest(), onc_plot_waterfall() and
** onc_plot_swimmer() do both steps in one call.  The display list is public
** so that programs (and tests) can inspect exactly what will be drawn.
**
** Coordinates are in points (1/72 inch) with the origin at the top-left
** corner of the page and y growing downwards, as in cairo.  PNG output is
** rasterised at the list's dpi (300 by default); SVG and PDF stay vector.
**
** Text is UTF-8, drawn with the font list ONC_PLOT_FONT_FAMILY, which covers
** Latin and CJK scripts ("经动脉化疗栓塞 (TACE)" is a valid label).  Text is
** never interpreted as markup.
**
** Options structs: zero-initialise them (or call the _options_init
** function, which also switches on the usual journal elements) and set
** what you need.  A zero size means the default: 7 in wide (a two-column
** journal figure), 300 dpi, 9 pt base font.
**
** Inputs are const and are not retained.  Errors are reported as
** ONC_ERR_USAGE with a message naming the curve, row or patient; write
** failures as ONC_ERR_IO; an oversized page or list as ONC_ERR_LIMIT.
*/
#ifndef ONCOSTAT_PLOT_H
#define ONCOSTAT_PLOT_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fonts tried in order, per character: DejaVu for Latin, Noto for CJK. */
#define ONC_PLOT_FONT_FAMILY "DejaVu Sans, Noto Sans CJK SC"

/* Limits on what a figure may ask for. */
#define ONC_PLOT_MAX_SIZE_IN 50.0     /* page width or height, inches */
#define ONC_PLOT_MAX_DPI 2400.0
#define ONC_PLOT_MAX_PIXELS 16384     /* PNG width or height */
#define ONC_PLOT_MAX_PIXEL_AREA 64000000.0  /* PNG width x height (256 MB of RGBA) */
#define ONC_PLOT_MAX_OPS 4000000      /* operations in one display list */
#define ONC_PLOT_MAX_BREAKS 200       /* ticks on one axis */

/* ------------------------------------------------------------------ */
/* Colours and line styles                                             */
/* ------------------------------------------------------------------ */

typedef struct onc_plot_color {
    double r, g, b, a;     /* 0..1; a == 0 means "do not draw" */
} onc_plot_color;

/*
** Colour of group i: the Okabe-Ito palette (Okabe & Ito 2008), safe for the
** common colour-vision deficiencies, in an order whose neighbours also
** differ in grey level.  Cycles after 8 groups.
*/
onc_plot_color onc_plot_palette(size_t i);

typedef enum onc_plot_dash {
    ONC_PLOT_DASH_SOLID = 0,
    ONC_PLOT_DASH_DASHED = 1,
    ONC_PLOT_DASH_DOTTED = 2,
    ONC_PLOT_DASH_DOTDASH = 3,
    ONC_PLOT_DASH_LONGDASH = 4,
    ONC_PLOT_DASH_TWODASH = 5
} onc_plot_dash;

/* Line style of group i, so that groups stay apart in greyscale print. */
onc_plot_dash onc_plot_group_dash(size_t i);

/* ------------------------------------------------------------------ */
/* Display list                                                        */
/* ------------------------------------------------------------------ */

typedef enum onc_plot_op_kind {
    ONC_PLOT_OP_LINE = 0,      /* open polyline through n_points >= 2 */
    ONC_PLOT_OP_POLYGON = 1,   /* closed polygon, filled and/or stroked */
    ONC_PLOT_OP_RECT = 2,      /* rectangle `box`, filled and/or stroked */
    ONC_PLOT_OP_MARKER = 3,    /* symbol of `size` points centred on x[0], y[0] */
    ONC_PLOT_OP_TEXT = 4       /* `text` anchored at x[0], y[0] */
} onc_plot_op_kind;

/*
** What an operation shows; tests and adapters select operations by role.
** For axis roles (AXIS, TICK, TICK_LABEL, AXIS_TITLE) the group is 0 for
** the x axis and 1 for the y axis.  KM legend keys have index 0 in the
** legend and 1 beside the risk table.  Waterfall REFERENCE lines and their
** labels have group 0 for the upper threshold and 1 for the lower one.
*/
typedef enum onc_plot_role {
    ONC_PLOT_ROLE_NONE = 0,
    ONC_PLOT_ROLE_TITLE = 1,
    ONC_PLOT_ROLE_AXIS = 2,          /* axis line */
    ONC_PLOT_ROLE_TICK = 3,          /* tick mark; index = break number */
    ONC_PLOT_ROLE_TICK_LABEL = 4,    /* index = break number */
    ONC_PLOT_ROLE_AXIS_TITLE = 5,
    ONC_PLOT_ROLE_CURVE = 6,         /* KM step curve; group = curve */
    ONC_PLOT_ROLE_CI_BAND = 7,       /* translucent confidence band */
    ONC_PLOT_ROLE_CENSOR = 8,        /* censor mark; group = curve */
    ONC_PLOT_ROLE_MEDIAN = 9,        /* dashed median guide; group = curve */
    ONC_PLOT_ROLE_LEGEND = 10,       /* legend text; group = curve/category/arm */
    ONC_PLOT_ROLE_LEGEND_KEY = 11,   /* legend line sample, swatch or symbol */
    ONC_PLOT_ROLE_ANNOTATION = 12,   /* free text such as the log-rank P */
    ONC_PLOT_ROLE_RISK_TITLE = 13,   /* "Number at risk" */
    ONC_PLOT_ROLE_RISK_LABEL = 14,   /* row label of the risk table */
    ONC_PLOT_ROLE_ATRISK = 15,       /* number at risk; group = curve, index = break */
    ONC_PLOT_ROLE_EVENTS = 16,       /* cumulative events (KMunicate) */
    ONC_PLOT_ROLE_CENSORED = 17,     /* cumulative censored (KMunicate) */
    ONC_PLOT_ROLE_REFERENCE = 18,    /* HR = 1 line, +20 % / -30 % lines */
    ONC_PLOT_ROLE_OVERALL = 19,      /* dashed line at the overall HR */
    ONC_PLOT_ROLE_ESTIMATE = 20,     /* forest square or diamond; index = row */
    ONC_PLOT_ROLE_INTERVAL = 21,     /* forest confidence-interval line */
    ONC_PLOT_ROLE_ARROW = 22,        /* interval or bar running off the axis, ongoing lane */
    ONC_PLOT_ROLE_COLUMN_HEADER = 23,
    ONC_PLOT_ROLE_CELL = 24,         /* forest table text; index = row, group = column */
    ONC_PLOT_ROLE_BAR = 25,          /* waterfall or swimmer bar; index = input item */
    ONC_PLOT_ROLE_EVENT_MARKER = 26, /* swimmer response/progression/death mark */
    ONC_PLOT_ROLE_ITEM_LABEL = 27,   /* patient identifier beside a bar */
    ONC_PLOT_ROLE_FAVOUR = 28        /* "Favours ..." under a forest axis */
} onc_plot_role;

typedef enum onc_plot_marker {
    ONC_PLOT_MARKER_PLUS = 0,        /* censor mark */
    ONC_PLOT_MARKER_SQUARE = 1,
    ONC_PLOT_MARKER_DIAMOND = 2,
    ONC_PLOT_MARKER_CIRCLE = 3,
    ONC_PLOT_MARKER_TRIANGLE = 4,
    ONC_PLOT_MARKER_CROSS = 5,
    ONC_PLOT_MARKER_ARROW_RIGHT = 6, /* filled arrow head, tip at the point */
    ONC_PLOT_MARKER_ARROW_LEFT = 7,
    ONC_PLOT_MARKER_ARROW_UP = 8,
    ONC_PLOT_MARKER_ARROW_DOWN = 9
} onc_plot_marker;

typedef enum onc_plot_halign {
    ONC_PLOT_HALIGN_LEFT = 0,
    ONC_PLOT_HALIGN_CENTER = 1,
    ONC_PLOT_HALIGN_RIGHT = 2
} onc_plot_halign;

typedef enum onc_plot_valign {
    ONC_PLOT_VALIGN_TOP = 0,
    ONC_PLOT_VALIGN_MIDDLE = 1,
    ONC_PLOT_VALIGN_BASELINE = 2,    /* first line's baseline */
    ONC_PLOT_VALIGN_BOTTOM = 3
} onc_plot_valign;

typedef struct onc_plot_box {
    double x0, y0, x1, y1;           /* x0 <= x1, y0 <= y1 */
} onc_plot_box;

typedef struct onc_plot_op {
    onc_plot_op_kind kind;
    onc_plot_role role;
    long group;              /* curve, category or arm; -1 if none */
    long index;              /* break, row, patient or mark number; -1 if none */
    onc_plot_color stroke;   /* a == 0: no outline */
    onc_plot_color fill;     /* a == 0: no fill (text is drawn in `fill`) */
    double line_width;       /* points */
    onc_plot_dash dash;
    int clip;                /* clip to the list's panel */
    size_t n_points;         /* LINE, POLYGON: vertices; MARKER, TEXT: 1 */
    double *x, *y;
    onc_plot_marker marker;
    double size;             /* MARKER: width in points; TEXT: font size */
    char *text;              /* TEXT: UTF-8, may contain '\n' */
    onc_plot_halign halign;  /* TEXT: how (x, y) relates to the text box, */
    onc_plot_valign valign;  /*       in the text's own (rotated) frame */
    int rotate;              /* TEXT: 0, or 90 for bottom-to-top */
    int bold;
    onc_plot_box box;        /* extent on the page; RECT: the rectangle;
                                TEXT: the measured logical box */
} onc_plot_op;

/* Mapping between data values and the page for the figure's main panel. */
typedef struct onc_plot_panel {
    double left, top, right, bottom;    /* data area on the page, points */
    double x_min, x_max, y_min, y_max;  /* data values at the edges */
    int x_log;                          /* x on a log scale (forest) */
} onc_plot_panel;

typedef struct onc_plot_list {
    double width, height;    /* page size, points */
    double dpi;              /* PNG resolution */
    char font_family[128];
    onc_plot_panel panel;
    size_t n_ops;
    onc_plot_op *ops;
    size_t cap_ops;          /* allocated slots; internal */
} onc_plot_list;

/* Page coordinate of data value v on the panel (log scale if x_log). */
double onc_plot_panel_x(const onc_plot_panel *panel, double v);
double onc_plot_panel_y(const onc_plot_panel *panel, double v);

typedef enum onc_plot_format {
    ONC_PLOT_FORMAT_UNKNOWN = 0,
    ONC_PLOT_FORMAT_PNG = 1,
    ONC_PLOT_FORMAT_SVG = 2,
    ONC_PLOT_FORMAT_PDF = 3
} onc_plot_format;

/* The format named by path's extension (case-insensitive), or UNKNOWN. */
onc_plot_format onc_plot_format_from_path(const char *path);

/*
** Draw `list` into `path` (.png, .svg or .pdf).  The file is written as
** "<path>.tmp" and renamed onto path when complete; on failure the
** temporary file is removed and path is left untouched.
*/
onc_status onc_plot_list_write(const onc_plot_list *list, const char *path,
                               onc_error *err);

/* Release a display list.  Accepts NULL. */
void onc_plot_list_free(onc_plot_list *list);

/* ------------------------------------------------------------------ */
/* Axes                                                                */
/* ------------------------------------------------------------------ */

/*
** "Nice" breaks covering [lo, hi], about n intervals: the algorithm and
** defaults of R's pretty() (R_pretty in src/appl/pretty.c: min.n = n %/% 3,
** shrink.sml = 0.75, high.u.bias = 1.5, u5.bias = 0.5 + 1.5 * high.u.bias).
** Writes at most cap values to breaks and their count to *n_breaks.
** ONC_ERR_USAGE for non-finite or reversed limits or n < 1;
** ONC_ERR_LIMIT when cap is too small.
*/
onc_status onc_plot_pretty(double lo, double hi, int n, double *breaks,
                           size_t cap, size_t *n_breaks, onc_error *err);

/*
** Breaks for a time axis from 0 to at least tmax, in steps that suit the
** unit: months in 1, 2, 3, 6, 12, 24, 36, 60, 120 ...; weeks in 1, 2, 4, 8,
** 13, 26, 52 ...; the smallest such step giving at most 8 intervals.  Days,
** years and other units use onc_plot_pretty(0, tmax, 5).  `unit` is
** "days", "weeks", "months", "years" (singular or plural, any case) or NULL.
** The last break is >= tmax.  tmax must be finite and >= 0.
*/
onc_status onc_plot_time_breaks(double tmax, const char *unit, double *breaks,
                                size_t cap, size_t *n_breaks, onc_error *err);

/*
** Breaks for a log axis covering [lo, hi] and 1: values from the sequence
** ... 0.1, 0.2, 0.5, 1, 2, 5, 10 ..., or powers of ten alone when that
** sequence would give more than 9 breaks.  lo and hi must be finite and > 0.
*/
onc_status onc_plot_log_breaks(double lo, double hi, double *breaks,
                               size_t cap, size_t *n_breaks, onc_error *err);

/*
** Decimals needed to print every value of v exactly (to 1e-9 relative),
** at most 6: {0, 0.25, 0.5} -> 2; {0, 6, 12} -> 0.  Labels of one axis
** share this number of decimals.
*/
int onc_plot_tick_decimals(const double *v, size_t n);

/* ------------------------------------------------------------------ */
/* Kaplan-Meier figure                                                 */
/* ------------------------------------------------------------------ */

/*
** One group of a KM figure.  The step function starts at time 0 with
** S = 1: surv[i] holds from time[i] until the next time.  lower/upper are
** the pointwise confidence limits (NULL for none; NaN where undefined, which
** breaks the band).  The curve is drawn to the last observation time.
** obs_time/obs_status are the group's raw observations (status 1 = event,
** 0 = censored); numbers at risk, cumulative events and censored are
** counted from them.  label and n make the legend entry "label (n = n)";
** n == 0 shows n_obs.
*/
typedef struct onc_plot_curve {
    const char *label;
    size_t n;
    size_t n_steps;
    const double *time, *surv, *lower, *upper;
    size_t n_censor;
    const double *censor_time, *censor_surv;
    double median;           /* NaN if not reached */
    size_t n_obs;
    const double *obs_time;
    const double *obs_status;
} onc_plot_curve;

typedef struct onc_plot_km_options {
    const char *title;       /* NULL: none */
    const char *xlabel;      /* NULL: "Time (<time_unit>)" or "Time" */
    const char *ylabel;      /* NULL: "Survival probability" or "Cumulative incidence" */
    const char *time_unit;   /* "days", "weeks", "months", "years" or NULL */
    int cumulative_incidence;/* plot 1 - S (and 1 - limits) rising from 0 */
    int show_ci;             /* translucent pointwise confidence bands */
    int show_censor;         /* censor marks */
    int show_median;         /* dashed guides from S = 0.5 down to the medians */
    int risk_table;          /* numbers at risk under the x axis */
    int kmunicate;           /* risk table with at risk, events and censored rows */
    int y_percent;           /* y axis labelled 0-100 % */
    double min_at_risk;      /* > 0: each curve stops at the last time with at
                                least this many at risk; the axis follows */
    double xmax;             /* > 0: axis end; later data are cut off */
    double ymax;             /* > 0: top of the y axis (<= 1), e.g. 0.3 for incidence */
    const double *breaks;    /* x ticks (and risk-table times); NULL: automatic */
    size_t n_breaks;
    const char *annotation;  /* e.g. "Log-rank P < 0.001\nHR 0.11 (95% CI 0.04–0.29)" */
    double width_in;         /* 0: 7 in */
    double height_in;        /* 0: fit the panel plus the risk table */
    double dpi;              /* 0: 300 */
    double font_size;        /* 0: 9 pt */
} onc_plot_km_options;

/* Zero the options and switch on censor marks and the risk table. */
void onc_plot_km_options_init(onc_plot_km_options *opt);

/*
** Lay out a KM figure of n_curves curves (1 to 16).  Numbers at risk at a
** break t count observations with time >= t; cumulative events and censored
** count those with time <= t (as R's summary(survfit, times) accumulated).
** On success *out receives a list freed with onc_plot_list_free().
** ONC_ERR_USAGE: no curves, a curve without observations or steps, steps not
** starting at time 0 with S = 1, times decreasing, a lower limit above the
** upper limit, status other than 0/1, invalid UTF-8, bad breaks or sizes.
*/
onc_status onc_plot_km_build(const onc_plot_curve *curves, size_t n_curves,
                             const onc_plot_km_options *opt,
                             onc_plot_list **out, onc_error *err);

/* Build and write to path (.png, .svg, .pdf); opt may be NULL for defaults. */
onc_status onc_plot_km(const onc_plot_curve *curves, size_t n_curves,
                       const onc_plot_km_options *opt, const char *path,
                       onc_error *err);

/* ------------------------------------------------------------------ */
/* Forest plot of hazard ratios                                        */
/* ------------------------------------------------------------------ */

/*
** One line of a forest plot.  A header row (is_header) names a subgroup
** variable ("KIT mutation") and carries its P for interaction; the levels
** below it are indented.  hr/lower/upper: NaN hr means "not estimable"
** (no square, text "NE"); an infinite or NaN limit is drawn as an arrow.
** The square's area is proportional to `events`.  is_overall rows are
** drawn as a diamond and, with overall_line, give the dashed line.
*/
typedef struct onc_plot_forest_row {
    const char *label;
    size_t n, events;
    double hr, lower, upper;
    double p_interaction;    /* NaN: blank */
    int is_header;
    int is_overall;
} onc_plot_forest_row;

typedef struct onc_plot_forest_options {
    const char *title;
    const char *xlabel;        /* NULL: "Hazard ratio (95% CI)" */
    const char *label_header;  /* NULL: "Subgroup" */
    const char *left_label;    /* e.g. "Favours TACE"; drawn left of 1 */
    const char *right_label;   /* e.g. "Favours resection"; drawn right of 1 */
    int overall_line;          /* dashed vertical line at the overall HR */
    double x_min, x_max;       /* > 0: axis limits; intervals beyond get arrows */
    double width_in;           /* 0: 7 in */
    double height_in;          /* 0: fit the rows */
    double dpi;                /* 0: 300 */
    double font_size;          /* 0: 9 pt */
} onc_plot_forest_options;

/* Zero the options and switch on the overall line. */
void onc_plot_forest_options_init(onc_plot_forest_options *opt);

/*
** Lay out a forest plot: columns label, n, events, the log-scale panel,
** "HR (95% CI)" and, when any row has one, P for interaction.
** ONC_ERR_USAGE: no rows, hr <= 0, a limit <= 0 (it cannot be drawn on a
** log scale), lower > upper, hr outside [lower, upper].
*/
onc_status onc_plot_forest_build(const onc_plot_forest_row *rows, size_t n_rows,
                                 const onc_plot_forest_options *opt,
                                 onc_plot_list **out, onc_error *err);
onc_status onc_plot_forest(const onc_plot_forest_row *rows, size_t n_rows,
                           const onc_plot_forest_options *opt, const char *path,
                           onc_error *err);

/* ------------------------------------------------------------------ */
/* Waterfall plot of best tumour change                                */
/* ------------------------------------------------------------------ */

typedef struct onc_plot_waterfall_bar {
    const char *id;          /* patient identifier (may be NULL) */
    double change;           /* best % change from baseline, finite */
    const char *category;    /* best response or arm: sets colour and legend */
} onc_plot_waterfall_bar;

typedef enum onc_plot_criteria {
    ONC_PLOT_CRITERIA_RECIST = 0,   /* lines at +20 % and -30 % (RECIST 1.1, mRECIST) */
    ONC_PLOT_CRITERIA_CHOI = 1,     /* lines at +10 % and -10 % (Choi, size) */
    ONC_PLOT_CRITERIA_NONE = 2
} onc_plot_criteria;

typedef struct onc_plot_waterfall_options {
    const char *title;
    const char *ylabel;      /* NULL: "Best change from baseline (%)" */
    const char *const *categories; /* legend order and colours; NULL: order of appearance */
    size_t n_categories;
    onc_plot_criteria criteria;
    double y_max;            /* > 0: bars above are cut and marked with an arrow */
    int show_ids;            /* patient identifiers under the bars, when they fit */
    double width_in, height_in, dpi, font_size;  /* 0: 7 in, 4 in, 300, 9 pt */
} onc_plot_waterfall_options;

/*
** Lay out a waterfall plot: one bar per patient, sorted by decreasing
** change (ties keep input order), coloured by category.
** ONC_ERR_USAGE: no bars, a change that is not finite or is below -100 %,
** a category missing from opt->categories.
*/
onc_status onc_plot_waterfall_build(const onc_plot_waterfall_bar *bars, size_t n_bars,
                                    const onc_plot_waterfall_options *opt,
                                    onc_plot_list **out, onc_error *err);
onc_status onc_plot_waterfall(const onc_plot_waterfall_bar *bars, size_t n_bars,
                              const onc_plot_waterfall_options *opt, const char *path,
                              onc_error *err);

/* ------------------------------------------------------------------ */
/* Swimmer plot of individual treatment courses                        */
/* ------------------------------------------------------------------ */

typedef enum onc_plot_event_kind {
    ONC_PLOT_EVENT_RESPONSE = 0,     /* triangle */
    ONC_PLOT_EVENT_PROGRESSION = 1,  /* cross */
    ONC_PLOT_EVENT_DEATH = 2,        /* filled square */
    ONC_PLOT_EVENT_TREATMENT = 3     /* circle, e.g. a repeat TACE session */
} onc_plot_event_kind;

typedef struct onc_plot_swimmer_event {
    double time;
    onc_plot_event_kind kind;
} onc_plot_swimmer_event;

typedef struct onc_plot_swimmer_lane {
    const char *id;
    const char *arm;         /* sets the bar colour and the legend */
    double duration;         /* >= 0; the bar runs from 0 to duration */
    int ongoing;             /* still on treatment / in follow-up: arrow */
    size_t n_events;
    const onc_plot_swimmer_event *events;   /* times within [0, duration] */
} onc_plot_swimmer_lane;

typedef struct onc_plot_swimmer_options {
    const char *title;
    const char *xlabel;      /* NULL: "Time (<time_unit>)" */
    const char *time_unit;
    const char *const *arms; /* legend order; NULL: order of appearance */
    size_t n_arms;
    int keep_order;          /* draw lanes in input order instead of longest first */
    const double *breaks;
    size_t n_breaks;
    double width_in, height_in, dpi, font_size;  /* 0: 7 in, fit lanes, 300, 9 pt */
} onc_plot_swimmer_options;

/*
** Lay out a swimmer plot: one horizontal bar per patient (longest at the
** top unless keep_order), event markers, an arrow after ongoing lanes.
** ONC_ERR_USAGE: no lanes, a negative or non-finite duration, an event
** outside [0, duration], an unknown event kind, an arm missing from opt->arms.
*/
onc_status onc_plot_swimmer_build(const onc_plot_swimmer_lane *lanes, size_t n_lanes,
                                  const onc_plot_swimmer_options *opt,
                                  onc_plot_list **out, onc_error *err);
onc_status onc_plot_swimmer(const onc_plot_swimmer_lane *lanes, size_t n_lanes,
                            const onc_plot_swimmer_options *opt, const char *path,
                            onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_PLOT_H */
