/* test_json.c -- the streaming JSON writer and round-trip number format. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/render.h"

static char *capture(void (*fill)(onc_json *), int indent, onc_status *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    onc_json *j = onc_json_new(fp, indent);

    fill(j);
    *st = onc_json_finish(j);
    onc_json_free(j);
    fclose(fp);
    return buf;
}

static void fill_basic(onc_json *j)
{
    onc_json_object_begin(j);
    onc_json_key(j, "n");
    onc_json_integer(j, 228);
    onc_json_key(j, "median");
    onc_json_number(j, 310);
    onc_json_key(j, "upper");
    onc_json_number(j, NAN);
    onc_json_key(j, "label");
    onc_json_string(j, "sex=\"F\"\n\t\x01");
    onc_json_key(j, "rows");
    onc_json_array_begin(j);
    onc_json_number(j, 0.1);
    onc_json_count(j, 3.0);
    onc_json_count(j, 2.5);
    onc_json_bool(j, 1);
    onc_json_null(j);
    onc_json_array_end(j);
    onc_json_key(j, "empty");
    onc_json_array_begin(j);
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void fill_broken(onc_json *j)
{
    onc_json_object_begin(j);
    onc_json_number(j, 1);       /* value without key */
    onc_json_object_end(j);
}

static void fill_unclosed(onc_json *j)
{
    onc_json_array_begin(j);
}

static void test_writer(void)
{
    onc_status st;
    char *s = capture(fill_basic, 0, &st);

    CHECK(st == ONC_OK);
    CHECK_STR(s, "{\"n\":228,\"median\":310,\"upper\":null,"
                 "\"label\":\"sex=\\\"F\\\"\\n\\t\\u0001\","
                 "\"rows\":[0.1,3,2.5,true,null],\"empty\":[]}\n");
    free(s);
    s = capture(fill_basic, 2, &st);
    CHECK(st == ONC_OK);
    CHECK(strstr(s, "{\n  \"n\": 228,\n  \"median\": 310,") == s);
    free(s);
    s = capture(fill_broken, 0, &st);
    CHECK(st != ONC_OK);
    free(s);
    s = capture(fill_unclosed, 0, &st);
    CHECK(st != ONC_OK);
    free(s);
}

static void test_round_trip(void)
{
    static const double values[] = {
        0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 5e-324, 1.7976931348623157e308, -0.0,
        0.44923076923076921, 123456789012345678.0, 0.95, 1e21, 3.0e-5,
    };
    static const struct { double v; const char *text; } exact[] = {
        {0.1, "0.1"}, {310, "310"}, {0.5, "0.5"}, {1e21, "1e+21"}, {-2.25, "-2.25"},
        {NAN, "NaN"}, {INFINITY, "Inf"}, {-INFINITY, "-Inf"},
    };
    char buf[40];
    size_t i;
    unsigned int seed = 12345;

    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        onc_format_double(values[i], buf, sizeof buf);
        CHECK(strtod(buf, NULL) == values[i]);
    }
    for (i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        onc_format_double(exact[i].v, buf, sizeof buf);
        CHECK_STR(buf, exact[i].text);
    }
    /* Random doubles from a fixed linear congruential sequence. */
    for (i = 0; i < 20000; i++) {
        double v;
        seed = seed * 1103515245u + 12345u;
        v = ldexp((double)seed / 4294967296.0 + 0.5, (int)(seed % 200) - 100);
        onc_format_double(v, buf, sizeof buf);
        if (strtod(buf, NULL) != v) {
            CHECK(strtod(buf, NULL) == v);
            break;
        }
    }
    CHECK(i == 20000);
}

int main(void)
{
    harness_set_name("render/json");
    test_writer();
    test_round_trip();
    return harness_finish();
}
