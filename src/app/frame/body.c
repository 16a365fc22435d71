/*
 * frame/body.c - reading a request body's fields, with the sentence to show
 * when one is missing or wrong.
 */
#include "app/frame/frame.h"
#include "common/rc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What to ask for when a field is missing, in the words of the NHS design
 * system's error messages ("Enter ...", "Select ..."). */
static const char *field_prompt(const char *name)
{
    static const struct {
        const char *name, *prompt;
    } prompts[] = {
        {"patient_nhs_number", "Enter the patient's NHS number"},
        {"service_id", "Select the service to refer to"},
        {"priority", "Select a priority"},
        {"reason", "Enter the reason for referral"},
        {"clinical_summary", "Enter a clinical summary"},
        {"decision", "Select a triage decision"},
        {"comment", "Enter a comment"},
        {"advice", "Enter your advice for the GP"},
        {"to_service_id", "Select the service to redirect the referral to"},
        {"appointment_at", "Enter the appointment date and time"},
    };
    for (size_t i = 0; i < sizeof(prompts) / sizeof(prompts[0]); i++)
        if (strcmp(prompts[i].name, name) == 0)
            return prompts[i].prompt;
    return NULL;
}

/* Reads an optional or required string field.  Returns 0 with *out set
 * (NULL when absent and optional), or an error recorded on ctx.  prompt,
 * when given, is the sentence shown if a required field is missing. */
int app__body_text(app_ctx *ctx, json_t *body, const char *name, const char *prompt, int required, size_t max,
                   const char **out)
{
    json_t *v = body ? json_object_get(body, name) : NULL;
    *out = NULL;
    if (prompt == NULL)
        prompt = field_prompt(name);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return prompt ? app_fail(ctx, SEAM_EINVALID, "missing_field", name, "%s.", prompt)
                          : app_fail(ctx, SEAM_EINVALID, "missing_field", name, "%s is required.", name);
        return 0;
    }
    if (!json_is_string(v))
        return app_fail(ctx, SEAM_EBADREQ, "bad_request", name, "%s must be a string.", name);
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    /* Blank is the same as missing. */
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i == len) {
        if (required)
            return prompt ? app_fail(ctx, SEAM_EINVALID, "missing_field", name, "%s.", prompt)
                          : app_fail(ctx, SEAM_EINVALID, "missing_field", name, "%s is required.", name);
        return 0;
    }
    if (strlen(s) != len)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", name, "%s must not contain NUL characters.", name);
    /* Limits are in characters (UTF-8 code points), as a person counts them. */
    size_t chars = 0;
    for (size_t k = 0; k < len; k++)
        chars += ((unsigned char)s[k] & 0xC0) != 0x80;
    if (max && chars > max)
        return app_fail(ctx, SEAM_EINVALID, "field_too_long", name,
                        "This is %zu characters long; it must be %zu characters or fewer (%s).", chars, max, name);
    *out = s;
    return 0;
}

int app__body_str(app_ctx *ctx, json_t *body, const char *name, int required, size_t max, const char **out)
{
    return app__body_text(ctx, body, name, NULL, required, max, out);
}

/* Reads an optional or required integer field (a JSON integer). */
int app__body_int(app_ctx *ctx, json_t *body, const char *name, int required, long long *out, int *present)
{
    json_t *v = body ? json_object_get(body, name) : NULL;
    *present = 0;
    if (v == NULL || json_is_null(v)) {
        if (required)
            return app_fail(ctx, SEAM_EINVALID, "missing_field", name, "%s is required.", name);
        return 0;
    }
    if (!json_is_integer(v))
        return app_fail(ctx, SEAM_EBADREQ, "bad_request", name, "%s must be an integer.", name);
    *out = json_integer_value(v);
    *present = 1;
    return 0;
}
int app__body_bool(app_ctx *ctx, json_t *body, const char *name, int required, int *out, int *present)
{
    json_t *v = body ? json_object_get(body, name) : NULL;
    *present = 0;
    if (v == NULL || json_is_null(v)) {
        if (required)
            return strcmp(name, "consent_to_convert") == 0
                       ? app_fail(ctx, SEAM_EINVALID, "missing_field", name,
                                  "Select yes if the specialist may turn this request into a referral, or no if not.")
                   : strcmp(name, "same_condition") == 0
                       ? app_fail(ctx, SEAM_EINVALID, "missing_field", name,
                                  "Select whether this onward referral is for the same condition.")
                       : app_fail(ctx, SEAM_EINVALID, "missing_field", name, "Answer %s: true or false.", name);
        return 0;
    }
    if (!json_is_boolean(v))
        return app_fail(ctx, SEAM_EBADREQ, "bad_request", name, "%s must be true or false.", name);
    *out = json_is_true(v);
    *present = 1;
    return 0;
}
