/*
 * handlers/advice.c - advice requests, their messages and attachments.
 */
#include "common/names.h"
#include "common/rc.h"
#include "http/handlers.h"

#include <ctype.h>
#include <string.h>

int h_advice_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_body(rc, ctx, app_advice_create, out);
}

int h_advice_list(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_list(rc, ctx, app_advice_list, out);
}

int h_advice_get(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id(rc, ctx, "advice request", app_advice_get, out);
}

/* POST /advice/{id}/{action}: messages, close, convert or withdraw. */
int h_advice_act(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    static const struct {
        const char *name;
        app_fn fn;
    } acts[] = {{"messages", app_advice_message},
                {"close", app_advice_close},
                {"convert", app_advice_convert},
                {"withdraw", app_advice_withdraw}};
    app_id_body a = {0};
    int r = req_path_id(ctx, rc->seg[0], "advice request", &a.id);
    if (r)
        return r;
    a.body = rc->body;
    int i = names_find_row(acts, sizeof(acts) / sizeof(acts[0]), sizeof(acts[0]), rc->seg[1]);
    if (i >= 0)
        return app_run(ctx, acts[i].fn, &a, out);
    return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no advice action %.40s.", rc->seg[1]);
}

/* POST /advice/{id}/attachments?filename=...: the raw body is the file;
 * its type is the Content-Type without parameters, in lower case. */
int h_advice_attach(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_attachment a = {0};
    int r = req_path_id(ctx, rc->seg[0], "advice request", &a.advice_id);
    if (r)
        return r;
    const char *ct = req_header(rc, "Content-Type");
    char type[100] = "";
    if (ct) {
        size_t n = strcspn(ct, ";");
        while (n > 0 && ct[n - 1] == ' ')
            n--;
        if (n < sizeof(type)) {
            memcpy(type, ct, n);
            type[n] = '\0';
            for (char *c = type; *c; c++)
                *c = (char)tolower((unsigned char)*c);
        }
    }
    const char *name = req_query(rc, "filename");
    if (name == NULL || *name == '\0' || strlen(name) > 200 || strchr(name, '/') || strchr(name, '\\'))
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "filename",
                        "Give the file's name (?filename=..., up to 200 characters, no slashes).");
    a.filename = name;
    a.content_type = type;
    a.data = rc->req->body ? rc->req->body : "";
    a.len = rc->req->len;
    return app_run(ctx, app_advice_attach, &a, out);
}

int h_advice_attachment(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_attachment a = {0};
    int r = req_path_id(ctx, rc->seg[0], "advice request", &a.advice_id);
    if (r == 0)
        r = req_path_id(ctx, rc->seg[1], "advice request", &a.attachment_id);
    return r ? r : app_run(ctx, app_advice_attachment_get, &a, out);
}
