/*
** test_response_frame.c -- lesion records from a data frame
** (onc_lesion_data_from_frame): column mapping, synonyms, flags, dates,
** exclusions with their reasons, and errors that name file, row and
** column.
**
** Reference: the frames are built by hand below; each expected record is
** read off the table in the comment.  The frames are built in memory, so
** the test does not depend on the CSV reader.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/response.h"

#define N_ROWS 7

/*
**  row pid     day lesion_no kind           organ  diameter node nt_status        baseline
**   1  A       -3  1      Target         liver  30       no   .                TRUE
**   2  A       -3  2      NTL            lung   .        no   present          TRUE
**   3  A       56  1      target         liver  18.5     no   .                FALSE
**   4  A       56  2      non target     lung   .        no   Unequivocal PD   FALSE
**   5  A       56  9      New lesion     .      .        no   .                FALSE
**   6  B       .   1      t              liver  20       yes  .                TRUE   (no day)
**   7  B       -1  1      T              liver  20       YES  .                .      (no flag)
*/
static onc_frame *lesion_frame(void)
{
    static const int32_t patient[N_ROWS] = {0, 0, 0, 0, 0, 1, 1};
    static const char *const patients[] = {"A", "B"};
    static const double day[N_ROWS] = {-3, -3, 56, 56, 56, NAN, -1};
    static const double lesion[N_ROWS] = {1, 2, 1, 2, 9, 1, 1};
    static const int32_t type[N_ROWS] = {0, 1, 2, 3, 4, 5, 6};
    static const char *const types[] = {"Target", "NTL", "target", "non target",
                                        "New lesion", "t", "T"};
    static const int32_t organ[N_ROWS] = {0, 1, 0, 1, -1, 0, 0};
    static const char *const organs[] = {"liver", "lung"};
    static const double diameter[N_ROWS] = {30, NAN, 18.5, NAN, NAN, 20, 20};
    static const int32_t node[N_ROWS] = {0, 0, 0, 0, 0, 1, 2};
    static const char *const nodes[] = {"no", "yes", "YES"};
    static const int32_t nt[N_ROWS] = {-1, 0, -1, 1, -1, -1, -1};
    static const char *const nts[] = {"present", "Unequivocal PD"};
    static const double baseline[N_ROWS] = {1, 1, 0, 0, 0, 1, NAN};
    onc_frame *df = NULL;
    onc_error err;

    if (onc_frame_new(N_ROWS, &df) != ONC_OK)
        return NULL;
    df->source = malloc(sizeof "lesions.csv");
    if (df->source != NULL)
        memcpy(df->source, "lesions.csv", sizeof "lesions.csv");
    CHECK(onc_frame_add_factor(df, "pid", patient, patients, NULL, 2, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "day", ONC_COL_NUMBER, day, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "lesion_no", ONC_COL_INTEGER, lesion, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "kind", type, types, NULL, 7, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "organ", organ, organs, NULL, 2, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "mm", ONC_COL_NUMBER, diameter, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "node", node, nodes, NULL, 3, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "nt", nt, nts, NULL, 2, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "base", ONC_COL_LOGICAL, baseline, &err) == ONC_OK);
    return df;
}

static onc_lesion_columns columns(void)
{
    onc_lesion_columns c;

    memset(&c, 0, sizeof c);
    c.patient = "pid";
    c.day = "day";
    c.lesion = "lesion_no";
    c.type = "kind";
    c.organ = "organ";
    c.diameter = "mm";
    c.node = "node";
    c.nt_status = "nt";
    c.baseline = "base";
    return c;
}

static void test_mapping(void)
{
    onc_frame *df = lesion_frame();
    onc_lesion_columns c = columns();
    onc_lesion_data *d = NULL;
    onc_exclusions ex;
    onc_error err;
    const onc_lesion_record *r;

    CHECK(onc_lesion_data_from_frame(df, &c, &d, &ex, &err) == ONC_OK);
    onc_frame_free(df);         /* the records own their strings */
    CHECK(d != NULL && d->n == 5);
    CHECK(ex.n_total == 7 && ex.n_used == 5 && ex.n_excluded == 2);
    CHECK(ex.n_reasons == 2);
    if (ex.n_reasons == 2) {
        CHECK_STR(ex.reasons[0].reason, "missing value in 'day'");
        CHECK(ex.reasons[0].rows[0] == 6);
        CHECK_STR(ex.reasons[1].reason, "missing value in 'base'");
        CHECK(ex.reasons[1].rows[0] == 7);
    }
    if (d != NULL && d->n == 5) {
        CHECK(!d->days_are_dates && d->has_baseline_flag);
        r = &d->records[0];
        CHECK_STR(r->patient, "A");
        CHECK_STR(r->lesion, "1");
        CHECK_STR(r->organ, "liver");
        CHECK(r->kind == ONC_LESION_TARGET && r->day == -3 && r->diameter == 30);
        CHECK(r->is_baseline == 1 && r->is_node == 0 && r->source_row == 1);
        CHECK(isnan(r->short_axis) && isnan(r->viable_diameter) && isnan(r->attenuation));
        CHECK(r->nt_status == ONC_NT_NOT_ASSESSED);     /* missing status */
        r = &d->records[1];
        CHECK(r->kind == ONC_LESION_NONTARGET && r->nt_status == ONC_NT_PRESENT);
        CHECK(isnan(r->diameter));
        r = &d->records[2];
        CHECK(r->kind == ONC_LESION_TARGET && r->diameter == 18.5 && r->is_baseline == 0);
        r = &d->records[3];
        CHECK(r->kind == ONC_LESION_NONTARGET && r->nt_status == ONC_NT_UNEQUIVOCAL_PD);
        r = &d->records[4];
        CHECK(r->kind == ONC_LESION_NEW && r->organ == NULL && r->source_row == 5);
        CHECK_STR(r->lesion, "9");
    }
    onc_lesion_data_free(d);
    onc_exclusions_clear(&ex);
}

/* Dates, with and without the start of treatment. */
static void test_dates(void)
{
    static const double scan[2] = {18680, 18743};       /* 2021-02-22, 2021-04-26 */
    static const double start[2] = {18687, 18687};      /* 2021-03-01 */
    static const double mm[2] = {40, 30};
    static const int32_t one[2] = {0, 0};
    static const int32_t kind[2] = {0, 0};
    static const char *const ids[] = {"P1"};
    static const char *const kinds[] = {"target"};
    onc_frame *df = NULL;
    onc_lesion_columns c;
    onc_lesion_data *d = NULL;
    onc_error err;

    CHECK(onc_frame_new(2, &df) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "patient_id", one, ids, NULL, 1, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "lesion_id", one, ids, NULL, 1, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "type", kind, kinds, NULL, 1, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "date", ONC_COL_DATE, scan, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "start", ONC_COL_DATE, start, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "diameter_mm", ONC_COL_NUMBER, mm, &err) == ONC_OK);
    memset(&c, 0, sizeof c);
    c.patient = "patient_id";
    c.lesion = "lesion_id";
    c.type = "type";
    c.day = "date";
    c.diameter = "diameter_mm";
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_OK);
    CHECK(d != NULL && d->days_are_dates && d->records[0].day == 18680);
    onc_lesion_data_free(d);
    c.start = "start";
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_OK);
    CHECK(d != NULL && !d->days_are_dates);
    CHECK(d != NULL && d->records[0].day == -7 && d->records[1].day == 56);
    onc_lesion_data_free(d);
    /* a numeric start against a date column is refused */
    c.start = "diameter_mm";
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_ERR_USAGE);
    CHECK(d == NULL && strstr(err.message, "the treatment start must be a date") != NULL);
    onc_frame_free(df);
}

/* Errors name the file, the row and the column. */
static void test_errors(void)
{
    static const char *const text_mm[] = {"30", "<5"};
    static const int32_t mm_code[N_ROWS] = {0, -1, 0, -1, -1, 1, 0};
    onc_frame *df = lesion_frame();
    onc_lesion_columns c = columns();
    onc_lesion_data *d = NULL;
    onc_exclusions ex;
    onc_error err;
    long k;

    /* unknown type (row 5) */
    k = onc_frame_find(df, "kind");
    free(df->cols[k].levels[4]);
    df->cols[k].levels[4] = malloc(sizeof "lesion");
    memcpy(df->cols[k].levels[4], "lesion", sizeof "lesion");
    CHECK(onc_lesion_data_from_frame(df, &c, &d, &ex, &err) == ONC_ERR_DATA);
    CHECK(d == NULL && err.row == 5);
    CHECK_STR(err.message, "lesions.csv: row 5, column 'kind': unknown lesion type "
                           "'lesion' (expected target, non-target or new)");
    onc_exclusions_clear(&ex);
    onc_frame_free(df);

    /* negative diameter (row 3) */
    df = lesion_frame();
    df->cols[onc_frame_find(df, "mm")].num[2] = -4;
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_ERR_DATA);
    CHECK_STR(err.message, "lesions.csv: row 3, column 'mm': negative diameter (mm): -4");
    df->cols[onc_frame_find(df, "mm")].num[2] = INFINITY;
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_ERR_DATA);
    CHECK(strstr(err.message, "row 3, column 'mm': the diameter (mm) is not finite") != NULL);

    /* a flag that is not yes or no; a status that is not known */
    df->cols[onc_frame_find(df, "mm")].num[2] = 18.5;
    k = onc_frame_find(df, "node");
    df->cols[k].code[3] = 2;
    free(df->cols[k].levels[2]);
    df->cols[k].levels[2] = malloc(sizeof "maybe");
    memcpy(df->cols[k].levels[2], "maybe", sizeof "maybe");
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_ERR_DATA);
    CHECK(strstr(err.message, "row 4, column 'node': the node flag must be yes or no") != NULL);
    onc_frame_free(df);

    /* a measurement column read as text names its first non-number */
    df = lesion_frame();
    CHECK(onc_frame_add_factor(df, "mm_text", mm_code, text_mm, NULL, 2, &err) == ONC_OK);
    c.diameter = "mm_text";
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_ERR_USAGE);
    CHECK_STR(err.message, "lesions.csv: row 6, column 'mm_text': the diameter (mm) "
                           "must be a number, found '<5' (the column was read as text)");

    /* a column that does not exist lists the columns */
    c = columns();
    c.type = "lesion_type";
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "lesions.csv: no column 'lesion_type' for the lesion "
                              "type; the columns are 'pid', 'day'") != NULL);
    c = columns();
    c.patient = NULL;
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_ERR_USAGE);
    onc_frame_free(df);
}

/* An engine error on the records is rewritten in the frame's terms. */
static void test_locate_error(void)
{
    onc_frame *df = lesion_frame();
    onc_lesion_columns c = columns();
    onc_lesion_data *d = NULL;
    onc_response_options opt;
    onc_response_result *res = NULL;
    onc_error err;

    /* row 3 becomes a second record of lesion 1 at day -3 */
    df->cols[onc_frame_find(df, "day")].num[2] = -3;
    df->cols[onc_frame_find(df, "base")].num[2] = 1;
    CHECK(onc_lesion_data_from_frame(df, &c, &d, NULL, &err) == ONC_OK);
    onc_response_options_init(&opt);
    opt.baseline = ONC_BASELINE_FLAG;
    CHECK(onc_response_evaluate(d->records, d->n, &opt, &res, &err) == ONC_ERR_DATA);
    onc_lesion_data_locate_error(d, &err);
    CHECK_STR(err.file, "lesions.csv");
    CHECK_STR(err.column, "lesion_no");
    CHECK_STR(err.message, "lesions.csv: row 3, column 'lesion_no': lesion '1' of patient "
                           "'A' appears twice at day -3 (also at row 1)");
    /* already located: left alone */
    onc_lesion_data_locate_error(d, &err);
    CHECK(strncmp(err.message, "lesions.csv: row 3", 18) == 0);
    onc_lesion_data_free(d);
    onc_frame_free(df);
}

int main(void)
{
    harness_set_name("test_response_frame");
    test_mapping();
    test_dates();
    test_errors();
    test_locate_error();
    return harness_finish();
}
