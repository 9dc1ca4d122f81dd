/* test_table.c -- aligned text tables, CSV tables, human number formats, atomic files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "oncostat/render.h"

static char *render(const onc_table *t, int csv)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    if (csv)
        onc_table_write_csv(t, fp);
    else
        onc_table_write_text(t, fp);
    fclose(fp);
    return buf;
}

static void test_tables(void)
{
    const char *headers[] = {"arm", "n", "median"};
    const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    onc_table *t = onc_table_new(3, headers, align);
    char *s;

    CHECK(onc_table_addf(t, "%s\t%d\t%s", "TACE", 22, "68.5") == ONC_OK);
    CHECK(onc_table_addf(t, "%s\t%d\t%s", "经动脉", 38, "NR") == ONC_OK);
    CHECK(onc_table_rows(t) == 2);
    s = render(t, 0);
    /* "经动脉" is 3 wide characters = 6 columns, so every line has the same width. */
    CHECK_STR(s, "arm      n  median\n"
                 "------------------\n"
                 "TACE    22    68.5\n"
                 "经动脉  38      NR\n");
    free(s);
    onc_table_free(t);

    {
        const char *h2[] = {"label", "value"};
        const char *row[] = {"a, \"quoted\"", "line\nbreak"};
        onc_table *c = onc_table_new(2, h2, NULL);
        CHECK(onc_table_add_row(c, row) == ONC_OK);
        s = render(c, 1);
        CHECK_STR(s, "label,value\n\"a, \"\"quoted\"\"\",\"line\nbreak\"\n");
        free(s);
        onc_table_free(c);
    }
    CHECK(onc_text_width("abc") == 3);
    CHECK(onc_text_width("肝转移") == 6);
    CHECK(onc_text_width("é") == 1);
}

static void test_formats(void)
{
    static const struct { double p; const char *text; } ps[] = {
        {0.00001, "<0.0001"}, {0.00042, "0.0004"}, {0.032, "0.032"}, {0.9, "0.90"},
        {0.16, "0.16"}, {1.0, "1.00"},
    };
    char buf[32];
    size_t i;

    for (i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        onc_format_p(ps[i].p, buf, sizeof buf);
        CHECK_STR(buf, ps[i].text);
    }
    onc_format_human(68.54, 1, "NR", buf, sizeof buf);
    CHECK_STR(buf, "68.5");
    onc_format_human(0.0 / 0.0, 1, "NR", buf, sizeof buf);
    CHECK_STR(buf, "NR");
}

static void test_atomic(void)
{
    char dir[] = "/tmp/onc_out_XXXXXX";
    char path[512], line[64];
    onc_output *o;
    onc_error err;
    FILE *fp;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/result.json", dir);
    /* An aborted write leaves nothing behind. */
    CHECK(onc_output_open(path, &o, &err) == ONC_OK);
    fputs("partial", onc_output_file(o));
    onc_output_abort(o);
    CHECK(access(path, F_OK) != 0);
    /* A committed write appears whole. */
    CHECK(onc_output_open(path, &o, &err) == ONC_OK);
    fputs("complete\n", onc_output_file(o));
    CHECK(access(path, F_OK) != 0);          /* not visible before commit */
    CHECK(onc_output_commit(o, &err) == ONC_OK);
    fp = fopen(path, "r");
    CHECK(fp != NULL);
    if (fp) {
        CHECK(fgets(line, sizeof line, fp) != NULL);
        CHECK_STR(line, "complete\n");
        fclose(fp);
    }
    unlink(path);
    rmdir(dir);
    /* A directory that does not exist is an I/O error naming the file. */
    CHECK(onc_output_open("/nonexistent-dir/x.json", &o, &err) == ONC_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent-dir/x.json") != NULL);
}

int main(void)
{
    harness_set_name("render/table");
    test_tables();
    test_formats();
    test_atomic();
    return harness_finish();
}
