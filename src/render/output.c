/*
** output.c -- files that appear whole or not at all.
**
** A result file is written to a temporary name in the destination's own
** directory (so the final rename stays on one file system), flushed and
** synced, then renamed over the destination.  A reader never sees a
** half-written report, and a failed run leaves the previous file intact.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oncostat/render.h"
#include "core/internal.h"

struct onc_output {
    FILE *fp;
    char *path;
    char *tmp;          /* NULL when writing to standard output */
};

onc_status onc_output_open(const char *path, onc_output **out, onc_error *err)
{
    onc_output *o;
    size_t n;
    int fd;

    *out = NULL;
    o = calloc(1, sizeof *o);
    if (o == NULL)
        return ONC_ERR_NOMEM;
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        *out = o;
        return ONC_OK;
    }
    n = strlen(path);
    o->path = onc_strdup(path);
    o->tmp = malloc(n + 16);
    if (o->path == NULL || o->tmp == NULL) {
        onc_output_abort(o);
        return ONC_ERR_NOMEM;
    }
    snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        onc_status rc = onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL,
                                      "cannot create output file: %s", strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        onc_output_abort(o);
        return rc;
    }
    o->fp = fdopen(fd, "w");
    if (o->fp == NULL) {
        close(fd);
        onc_output_abort(o);
        return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot open output file");
    }
    *out = o;
    return ONC_OK;
}

FILE *onc_output_file(onc_output *o)
{
    return o->fp;
}

onc_status onc_output_commit(onc_output *o, onc_error *err)
{
    onc_status rc = ONC_OK;

    if (o->tmp == NULL) {
        if (fflush(o->fp) != 0)
            rc = onc_error_set(err, ONC_ERR_IO, "standard output", 0, 0, NULL,
                               "write failed: %s", strerror(errno));
        free(o);
        return rc;
    }
    if (fflush(o->fp) != 0 || fsync(fileno(o->fp)) != 0 || ferror(o->fp)) {
        rc = onc_error_set(err, ONC_ERR_IO, o->path, 0, 0, NULL, "write failed: %s",
                           strerror(errno));
        onc_output_abort(o);
        return rc;
    }
    fclose(o->fp);
    o->fp = NULL;
    /* mkstemp creates 0600; results are ordinary files. */
    if (chmod(o->tmp, 0644) != 0 || rename(o->tmp, o->path) != 0) {
        rc = onc_error_set(err, ONC_ERR_IO, o->path, 0, 0, NULL, "cannot move output into place: %s",
                           strerror(errno));
        onc_output_abort(o);
        return rc;
    }
    free(o->tmp);
    free(o->path);
    free(o);
    return ONC_OK;
}

void onc_output_abort(onc_output *o)
{
    if (o == NULL)
        return;
    if (o->tmp != NULL) {
        if (o->fp != NULL)
            fclose(o->fp);
        unlink(o->tmp);
    }
    free(o->tmp);
    free(o->path);
    free(o);
}
