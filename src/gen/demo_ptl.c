/*
 * demo_ptl.c - the demo trusts' own PTLs, loaded through the real
 * importer (app/import/ptl.h).
 */
#include "app/import/ptl.h"
#include "common/rc.h"
#include "core/equity.h"
#include "gen/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Waits are longer in some specialties (by treatment function code). */
static double tfc_wait_factor(const char *tfc)
{
    static const struct {
        const char *tfc;
        double f;
    } f[] = {{"110", 1.2},  {"100", 1.05}, {"101", 1.0},  {"301", 1.0},
             {"330", 0.95}, {"410", 0.9},  {"340", 0.85}, {"320", 0.85}};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (strcmp(f[i].tfc, tfc) == 0)
            return f[i].f;
    return 1.0;
}

/*
 * The trusts' own PTLs: each demo trust sends a waiting list of demo
 * patients (open pathways with clinical priorities on most, and clock
 * stops of the last 26 weeks), loaded through the real importer so GPs
 * see their patients' waits at every trust.  PPIs are "<trust>-PTL-<n>",
 * which never clash with Seam's own "<trust>-<referral id>".
 */
#define DEMO_PTL_OPEN 1400 /* open pathways per trust */

/* Row k of trust t's PTL: a random patient of pts and service; the first
 * DEMO_PTL_OPEN rows are open pathways, the rest clock stops. */
static void write_row(gen_out *o, gen_rng *r, const db_rows *pts, int t, int k, int64_t today)
{
    int i = gen__int(r, 0, db_nrows(pts) - 1);
    int s = gen__int(r, 0, N_SERVICES - 1);
    gen_ptl_row p;
    memset(&p, 0, sizeof(p));
    snprintf(p.nhs, sizeof(p.nhs), "%s", db_get(pts, i, 0));
    p.imd = db_isnull(pts, i, 1) ? 0 : (int)db_geti(pts, i, 1);
    /* Known patients: the importer takes their demographics from Seam. */
    p.given = p.family = p.ethnic_category = p.postcode = p.lsoa = "";
    p.practice = db_get(pts, i, 5);
    int y, m, dd;
    if (sscanf(db_get(pts, i, 3), "%d-%d-%d", &y, &m, &dd) == 3)
        p.birth_day = seam_days_from_civil(y, m, dd);
    p.female = strcmp(db_get(pts, i, 4), "female") == 0;
    p.trust = demo__trusts[t].code;
    p.tfc = demo__services[s].tfc;
    p.ppi_seq = k + 1;
    p.stopped = k >= DEMO_PTL_OPEN;
    double factor = (t == 0 ? 1.05 : 0.95) * tfc_wait_factor(p.tfc);
    p.wait_days = p.stopped ? gen__stop_wait_days(r, factor)
                            : gen__wait_days(r, p.imd, eq_ethnic_group_from_name(db_get(pts, i, 2)), factor);
    gen__ptl_row(o, r, &p, today);
}

/* Writes trust t's PTL to f, rewound for reading.  0 or SEAM_EIO. */
static int write_trust_ptl(gen_out *o, FILE *f, gen_rng *r, const db_rows *pts, int t, int64_t today)
{
    gen__out_init(o, f);
    gen__out_str(o, gen__ptl_header);
    int total = DEMO_PTL_OPEN + DEMO_PTL_OPEN * 15 / 100;
    for (int k = 0; k < total; k++)
        write_row(o, r, pts, t, k, today);
    gen__out_flush(o);
    if (o->error || fflush(f) != 0)
        return SEAM_EIO;
    rewind(f);
    return 0;
}

/* Loads trust t's PTL from f through the importer; every row must load. */
static int load_trust_ptl(db *d, const gen_options *opt, FILE *log, FILE *f, int t)
{
    char name[32];
    snprintf(name, sizeof(name), "demo-ptl-%s.csv", demo__trusts[t].code);
    ptl_options po = {.trust = demo__trusts[t].code,
                      .filename = name,
                      .imported_by = "seam-demo",
                      .now = opt->now,
                      .rejects = log ? log : stderr};
    ptl_report rep;
    int rc = ptl_import(d, f, &po, &rep);
    if (rc)
        db_set_error(d, "the demo PTL of %s did not load: %s", demo__trusts[t].code, rep.error);
    else if (rep.rejected) {
        db_set_error(d, "the demo PTL of %s had %lld refused rows", demo__trusts[t].code, rep.rejected);
        rc = SEAM_EINTERNAL;
    } else if (log)
        fprintf(log, "seam demo: %s's PTL: %lld pathways (%d open) in %.2f s\n", demo__trusts[t].code, rep.inserted,
                DEMO_PTL_OPEN, rep.seconds);
    return rc;
}

int demo__ptl(db *d, const gen_options *opt, FILE *log)
{
    db_rows *pts = NULL;
    int rc = db_query(d,
                      "SELECT nhs_number, imd_decile, ethnicity, birth_date, sex, practice_code FROM patients"
                      " ORDER BY nhs_number",
                      0, NULL, &pts);
    if (rc)
        return rc;
    int npts = db_nrows(pts);
    gen_rng r;
    gen__seed(&r, opt->seed, 0x9D7A11ULL);
    int64_t today = seam_time_day(opt->now);
    gen_out *o = malloc(sizeof(*o));
    if (o == NULL || npts == 0) {
        free(o);
        db_rows_free(pts);
        return npts == 0 ? 0 : SEAM_ENOMEM;
    }
    for (int t = 0; rc == 0 && t < N_TRUSTS; t++) {
        FILE *f = tmpfile();
        if (f == NULL) {
            rc = SEAM_EIO;
            break;
        }
        if ((rc = write_trust_ptl(o, f, &r, pts, t, today)) == 0)
            rc = load_trust_ptl(d, opt, log, f, t);
        fclose(f);
    }
    free(o);
    db_rows_free(pts);
    return rc;
}
