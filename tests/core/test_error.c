/* test_error.c -- error reports and the exclusion ledger. */
#include <string.h>

#include "harness.h"
#include "oncostat/core.h"

static void test_messages(void)
{
    static const struct {
        const char *file; size_t row, line; const char *col; const char *expected;
    } cases[] = {
        {"data.csv", 12, 0, "age", "data.csv: row 12, column 'age': bad"},
        {"data.csv", 12, 13, "age", "data.csv: row 12 (line 13), column 'age': bad"},
        {"data.csv", 0, 7, NULL, "data.csv: line 7: bad"},
        {"data.csv", 0, 0, NULL, "data.csv: bad"},
        {NULL, 0, 0, "arm", "column 'arm': bad"},
        {NULL, 0, 0, NULL, "bad"},
        {"plan.yaml", 0, 4, "km", "plan.yaml: line 4, column 'km': bad"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        onc_error err;
        onc_status rc = onc_error_set(&err, ONC_ERR_DATA, cases[i].file, cases[i].row,
                                      cases[i].line, cases[i].col, "%s", "bad");
        CHECK(rc == ONC_ERR_DATA);
        CHECK(err.status == ONC_ERR_DATA);
        CHECK(err.row == cases[i].row);
        CHECK_STR(err.message, cases[i].expected);
    }
    /* A NULL report is allowed and the status still comes back. */
    CHECK(onc_error_set(NULL, ONC_ERR_IO, "x", 1, 1, "c", "ignored") == ONC_ERR_IO);
    CHECK(strcmp(onc_status_string(ONC_OK), "success") == 0);
    CHECK(strcmp(onc_status_string((onc_status)99), "unknown status") == 0);
}

static void test_exclusions(void)
{
    onc_exclusions ex;
    size_t r;

    onc_exclusions_init(&ex, 100);
    CHECK(ex.n_used == 100 && ex.n_excluded == 0);
    for (r = 1; r <= 30; r++)
        CHECK(onc_exclusions_add(&ex, "missing value in 'age'", r) == ONC_OK);
    CHECK(onc_exclusions_add(&ex, "negative time", 77) == ONC_OK);
    CHECK(ex.n_reasons == 2);
    CHECK(ex.n_excluded == 31);
    CHECK(ex.n_used == 69);
    CHECK(ex.reasons[0].count == 30);
    CHECK(ex.reasons[0].n_rows == ONC_EXCLUSION_ROW_CAP);  /* list capped, count exact */
    CHECK(ex.reasons[0].rows[19] == 20);
    CHECK(ex.reasons[1].rows[0] == 77);
    onc_exclusions_clear(&ex);
    onc_exclusions_clear(NULL);
}

int main(void)
{
    harness_set_name("core/error");
    test_messages();
    test_exclusions();
    return harness_finish();
}
