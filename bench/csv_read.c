/*
** csv_read.c -- time onc_csv_read on a file and report throughput.
**
**   csv_read FILE [REPEATS]    best of REPEATS (default 3) full reads
**
** Prints rows, columns, the column types, the best wall time and MB/s
** (1 MB = 10^6 bytes of input), and the same for the process CPU time,
** which is the fairer figure when other work shares the machine, and the
** size of the typed columns of the frame (8 bytes per value, 4 per factor
** code, plus the level texts), the floor for the reader's peak memory.
** Each run includes reading the file from the page cache, scanning, type
** inference, conversion and building the frame, i.e. everything a caller
** of onc_csv_read waits for.  bench/csv.sh runs it with peak memory.
**
** Build: cc -O2 -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc \
**           bench/csv_read.c src/core/ *.c src/data/frame.c src/data/date.c \
**           src/io/csv.c -lm -o build/csv_read
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "oncostat/io.h"

static double bench_clock(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Bytes held by the frame's typed columns and level texts. */
static double frame_bytes(const onc_frame *frame)
{
    double bytes = 0.0;
    size_t j, k;

    for (j = 0; j < frame->n_cols; j++) {
        const onc_column *c = &frame->cols[j];
        if (c->type == ONC_COL_FACTOR) {
            bytes += (double)frame->n_rows * sizeof *c->code;
            for (k = 0; k < c->n_levels; k++)
                bytes += (double)strlen(c->levels[k]) + 1.0;
        } else {
            bytes += (double)frame->n_rows * sizeof *c->num;
        }
    }
    return bytes;
}

int main(int argc, char **argv)
{
    struct stat st;
    double best = -1.0, best_cpu = -1.0;
    int repeats = 3, k;
    size_t j;
    onc_frame *frame = NULL;
    onc_error err;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: csv_read FILE [REPEATS]\n");
        return 2;
    }
    if (argc == 3) {
        char *end;
        long r = strtol(argv[2], &end, 10);
        if (*end != '\0' || r < 1 || r > 1000) {
            fprintf(stderr, "csv_read: REPEATS must be 1..1000\n");
            return 2;
        }
        repeats = (int)r;
    }
    if (stat(argv[1], &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    for (k = 0; k < repeats; k++) {
        double t0, c0, dt, dc;
        onc_status rc;

        onc_frame_free(frame);
        frame = NULL;
        t0 = bench_clock(CLOCK_MONOTONIC);
        c0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
        rc = onc_csv_read(argv[1], NULL, &frame, &err);
        dc = bench_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
        dt = bench_clock(CLOCK_MONOTONIC) - t0;
        if (rc != ONC_OK) {
            fprintf(stderr, "csv_read: %s\n", err.message);
            return 1;
        }
        if (best < 0 || dt < best)
            best = dt;
        if (best_cpu < 0 || dc < best_cpu)
            best_cpu = dc;
    }
    printf("%s: %zu rows, %zu columns (", argv[1], frame->n_rows, frame->n_cols);
    for (j = 0; j < frame->n_cols; j++)
        printf("%s%s", j ? " " : "", onc_coltype_name(frame->cols[j].type));
    printf(")\n%.1f MB in %.3f s (best of %d): %.0f MB/s\n",
           (double)st.st_size / 1e6, best, repeats, (double)st.st_size / 1e6 / best);
    /* On a busy machine the wall time includes waiting for a core. */
    printf("CPU time %.3f s (best of %d): %.0f MB/s per core\n",
           best_cpu, repeats, (double)st.st_size / 1e6 / best_cpu);
    printf("typed columns %.1f MiB\n", frame_bytes(frame) / 1048576.0);
    onc_frame_free(frame);
    return 0;
}
