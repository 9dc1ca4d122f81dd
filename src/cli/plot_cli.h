/*
** plot_cli.h -- what the figures of `oncostat plot` share: figure options,
** lists from the command line, units, column lookups that name the file
** row in messages, and the categories of waterfall bars and swimmer lanes.
** Every function that fails prints the reason ("oncostat plot km: ...").
*/
#ifndef ONC_CLI_PLOT_H
#define ONC_CLI_PLOT_H

#include "commands.h"
/* surv.h brings cli.h, whose guard does not cover its second half. */
#include "surv.h"
#include "oncostat/cox.h"
#include "oncostat/expr.h"
#include "oncostat/plot.h"
#include "oncostat/plot_adapt.h"

/* The figures, each called with argv[0] = "km", "forest", ... */
int cli_plot_km(int argc, char **argv);
int cli_plot_forest(int argc, char **argv);
int cli_plot_waterfall(int argc, char **argv);
int cli_plot_swimmer(int argc, char **argv);

/* --title, --width, --height, --dpi, --font-size and their help text. */
typedef struct cli_plot_page {
    const char *title;
    double width, height, dpi, font_size;
} cli_plot_page;

extern const char cli_plot_page_help[];
/* 1 if argv[*i] was a page option, 0 if not, -1 on a bad value. */
int cli_plot_page_option(cli_plot_page *pg, const char *cmd, int argc, char **argv, int *i);

/* A comma-separated list copied out of argv. */
typedef struct cli_plot_list {
    char *buf;
    const char *item[CLI_MAX_LIST];
    size_t n;
} cli_plot_list;

void cli_plot_list_free(cli_plot_list *l);
/* Split TEXT at commas into l (at most CLI_MAX_LIST non-empty items). */
int cli_plot_list_parse(const char *cmd, const char *option, const char *text,
                        cli_plot_list *l);

/* A number option within [lo, hi]. */
int cli_plot_number(const char *cmd, const char *option, const char *text, double lo,
                    double hi, double *out);
/* A list of ascending breaks >= 0 into breaks (CLI_MAX_LIST). */
int cli_plot_breaks_option(const char *cmd, const char *v, double *breaks, size_t *n);
/* -o must name a .png, .svg or .pdf file; returns an exit code. */
int cli_plot_check_output(const char *cmd, const char *path);
/* Print a library failure; returns its exit code. */
int cli_plot_fail(const char *cmd, const onc_error *err, onc_status rc);
/* The exit code after writing a summary with status rc. */
int cli_plot_summary_out(const char *cmd, onc_status rc);

/* days, weeks, months or years (any case, singular or plural). */
int cli_plot_unit_option(const char *cmd, const char *option, const char *v);
/* The divisor from unit `from` to `unit` (1 when from is NULL). */
int cli_plot_time_divisor(const char *cmd, const char *from, const char *unit,
                          double *divisor);
/* n values of src divided by d into a new array; NULL stays NULL. */
int cli_plot_scaled(const double *src, size_t n, double d, double **out);

/* Columns of a frame: the text of a cell, a column by name (listing the
** columns when unknown), a check that it holds numbers, and the place
** "file: row R, column 'C'" of a cell for messages. */
void cli_plot_cell_text(const onc_column *c, size_t i, char *buf, size_t cap);
const onc_column *cli_plot_column(const char *cmd, const char *option,
                                  const onc_frame *df, const char *name);
int cli_plot_numeric_column(const char *cmd, const char *option, const onc_column *c);
void cli_plot_where(const onc_frame *df, size_t i, const char *column, char *buf,
                    size_t cap);
char *cli_plot_strdup(const char *s);
/* A level name read as a number (0), as R orders numeric levels; -1 if not. */
int cli_plot_level_number(const char *s, double *out);

/* Categories of waterfall bars and swimmer lanes. */
#define PLOT_MAX_CATEGORIES 32
#define PLOT_CELL 128

typedef struct cli_plot_categories {
    char (*cell)[PLOT_CELL];         /* the category of each row */
    const char *order[PLOT_MAX_CATEGORIES];
    size_t n;
} cli_plot_categories;

/* The category of every kept row of c and their order (see cmd_plot.c);
** returns an exit code. */
int cli_plot_categories_build(const char *cmd, const char *option, const onc_frame *df,
                              const onc_column *c, const unsigned char *keep,
                              const cli_plot_list *levels, cli_plot_categories *pc);
/* Leave out (and record) rows where the optional column c is missing. */
int cli_plot_exclude_missing(const onc_column *c, const onc_frame *df, unsigned char *keep,
                             onc_exclusions *ex);

#endif
