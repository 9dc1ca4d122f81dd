/*
** read.c -- choose the reader for a data file.
*/
#include "oncostat/read.h"

void onc_read_options_init(onc_read_options *opt)
{
    opt->format = ONC_FORMAT_AUTO;
    onc_csv_options_init(&opt->csv);
}

onc_status onc_read(const char *path, const onc_read_options *opt,
                    onc_frame **out, onc_error *err)
{
    onc_format format = opt->format;
    onc_csv_options csv = opt->csv;

    *out = NULL;
    if (format == ONC_FORMAT_AUTO)
        format = onc_format_from_path(path);
    switch (format) {
    case ONC_FORMAT_AUTO:
        return onc_error_set(err, ONC_ERR_USAGE, path, 0, 0, NULL,
                             "unknown file type: use a .csv, .tsv, .sav, .zsav, .por, "
                             ".dta, .sas7bdat or .xpt extension, or --format");
    case ONC_FORMAT_TSV:
        if (csv.sep == 0)
            csv.sep = '\t';
        return onc_csv_read(path, &csv, out, err);
    case ONC_FORMAT_CSV:
        return onc_csv_read(path, &csv, out, err);
    default:
        return onc_statfile_read(path, format, out, err);
    }
}
