/*
** test_km_landmark.c -- the subset and time shift of a landmark analysis.
**
** Reference: the rule of onc_km_landmark (R by hand: subset(d, time > L),
** time - L; with delayed entry also entry <= L), applied by hand to each
** row of the tables below.
*/
#include <math.h>
#include <string.h>

#include "harness.h"
#include "oncostat/km.h"

typedef struct landmark_row {
    double time, entry;
    unsigned char outcome;
    double time_out;    /* NaN when not kept */
} landmark_row;

/* Landmark 90: an exit at 90 itself is not under follow-up after it. */
static const landmark_row no_entry[] = {
    {30, 0, ONC_LANDMARK_ENDED, NAN},
    {89.5, 0, ONC_LANDMARK_ENDED, NAN},
    {90, 0, ONC_LANDMARK_ENDED, NAN},
    {90.25, 0, ONC_LANDMARK_KEPT, 0.25},
    {365, 0, ONC_LANDMARK_KEPT, 275},
    {-5, 0, ONC_LANDMARK_ENDED, NAN},
};

/* Landmark 90 with delayed entry: entering at the landmark is in time. */
static const landmark_row with_entry[] = {
    {100, 0, ONC_LANDMARK_KEPT, 10},
    {100, 90, ONC_LANDMARK_KEPT, 10},
    {100, 95, ONC_LANDMARK_LATE_ENTRY, NAN},
    {80, 10, ONC_LANDMARK_ENDED, NAN},
    {200, 89, ONC_LANDMARK_KEPT, 110},
    /* Ended before the landmark and entered after it cannot both hold;
    ** an exit at the landmark counts as ended first. */
    {90, 50, ONC_LANDMARK_ENDED, NAN},
};

static void run(const landmark_row *rows, size_t n, int use_entry,
                double landmark)
{
    double time[8] = {0}, entry[8] = {0}, out[8] = {0};
    unsigned char outcome[8];
    size_t i, kept = 99, want_kept = 0;
    onc_error err;

    for (i = 0; i < n; i++) {
        time[i] = rows[i].time;
        entry[i] = rows[i].entry;
        want_kept += rows[i].outcome == ONC_LANDMARK_KEPT;
    }
    CHECK(onc_km_landmark(n, time, use_entry ? entry : NULL, landmark, outcome,
                          out, &kept, &err) == ONC_OK);
    CHECK(kept == want_kept);
    for (i = 0; i < n; i++) {
        CHECK(outcome[i] == rows[i].outcome);
        CHECK_CLOSE(out[i], rows[i].time_out, 0.0);
    }
}

static void errors(void)
{
    double time[3] = {10, NAN, 30}, entry[3] = {0, 1, INFINITY}, out[3];
    unsigned char outcome[3];
    size_t kept = 7;
    onc_error err;

    CHECK(onc_km_landmark(3, time, NULL, 5, outcome, out, &kept, &err) ==
          ONC_ERR_DATA);
    CHECK(err.row == 2);
    CHECK(strstr(err.message, "observation 2") != NULL);
    CHECK(strcmp(err.column, "time") == 0);
    time[1] = 20;
    CHECK(onc_km_landmark(3, time, entry, 5, outcome, out, &kept, &err) ==
          ONC_ERR_DATA);
    CHECK(err.row == 3);
    CHECK(strcmp(err.column, "entry") == 0);
    CHECK(onc_km_landmark(3, time, NULL, NAN, outcome, out, &kept, &err) ==
          ONC_ERR_USAGE);
    CHECK(kept == 0);
    CHECK(onc_km_landmark(3, time, NULL, 5, NULL, out, &kept, &err) ==
          ONC_ERR_USAGE);
    /* In place: time_out may be the time array itself. */
    CHECK(onc_km_landmark(3, time, NULL, 15, outcome, time, &kept, &err) ==
          ONC_OK);
    CHECK(kept == 2);
    CHECK(isnan(time[0]) && time[1] == 5 && time[2] == 15);
    CHECK(onc_km_landmark(0, NULL, NULL, 15, NULL, NULL, &kept, &err) ==
          ONC_OK);
    CHECK(kept == 0);
}

int main(void)
{
    harness_set_name("test_km_landmark");
    run(no_entry, sizeof no_entry / sizeof no_entry[0], 0, 90);
    run(with_entry, sizeof with_entry / sizeof with_entry[0], 1, 90);
    errors();
    return harness_finish();
}
