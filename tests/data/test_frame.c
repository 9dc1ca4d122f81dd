/* test_frame.c -- construction, lookup, subsetting of data frames. */
#include <math.h>

#include "harness.h"
#include "oncostat/frame.h"

int main(void)
{
    onc_frame *f, *s;
    onc_error err;
    const double age[] = {61, NAN, 45, 70};
    const int32_t arm[] = {1, 0, -1, 1};
    const char *levels[] = {"Control", "TACE"};
    const size_t pick[] = {3, 0};

    harness_set_name("data/frame");
    CHECK(onc_frame_new(4, &f) == ONC_OK);
    CHECK(onc_frame_add_numeric(f, "age", ONC_COL_NUMBER, age, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(f, "arm", arm, levels, NULL, 2, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(f, "age", ONC_COL_NUMBER, age, &err) == ONC_ERR_USAGE);
    CHECK_STR(err.column, "age");
    CHECK(onc_frame_add_numeric(f, "x", ONC_COL_FACTOR, age, &err) == ONC_ERR_USAGE);
    CHECK(onc_frame_find(f, "arm") == 1);
    CHECK(onc_frame_find(f, "Arm") == -1);
    CHECK(onc_column_is_missing(&f->cols[0], 1));
    CHECK(!onc_column_is_missing(&f->cols[0], 0));
    CHECK(onc_column_is_missing(&f->cols[1], 2));
    CHECK(onc_frame_subset(f, pick, 2, &s) == ONC_OK);
    CHECK(s->n_rows == 2);
    CHECK(s->cols[0].num[0] == 70 && s->cols[0].num[1] == 61);
    CHECK(s->cols[1].code[0] == 1 && s->cols[1].n_levels == 2);
    CHECK_STR(s->cols[1].levels[1], "TACE");
    CHECK_STR(onc_coltype_name(ONC_COL_DATE), "date");
    onc_frame_free(s);
    onc_frame_free(f);
    onc_frame_free(NULL);
    return harness_finish();
}
