/*
 * static.c - the pages (web/, with their shared partials), the NHS.UK
 * frontend and Chart.js, as files: plain relative names only.
 */
#include "http/static.h"
#include "common/names.h"
#include "common/rc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
    };
    int i = names_find_row(types, sizeof(types) / sizeof(types[0]), sizeof(types[0]), strrchr(path, '.'));
    return i >= 0 ? types[i].type : "application/octet-stream";
}

/* Reads a page (fd, size bytes) and replaces each "<!--#include NAME-->"
 * with web_root/partials/NAME.html (NAME: lower-case letters).  Returns a
 * malloc'd buffer and its length, or NULL. */
static char *expand_includes(const char *web_root, int fd, size_t size, size_t *out_len)
{
    if (size > 1024 * 1024)
        return NULL;
    char *src = malloc(size + 1);
    if (src == NULL)
        return NULL;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, src + got, size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    src[got] = '\0';
    size_t cap = got + 16384, len = 0;
    char *out = malloc(cap);
    if (out == NULL) {
        free(src);
        return NULL;
    }
    static const char open_tag[] = "<!--#include ";
    const char *p = src;
    while (*p) {
        const char *m = strstr(p, open_tag);
        const char *end = m ? strstr(m, "-->") : NULL;
        size_t lit = m && end ? (size_t)(m - p) : strlen(p);
        char part[160] = "";
        size_t plen = 0;
        char *text = NULL;
        if (m && end) {
            const char *name = m + sizeof(open_tag) - 1;
            size_t nlen = (size_t)(end - name);
            int ok = nlen > 0 && nlen < 32;
            for (size_t i = 0; ok && i < nlen; i++)
                ok = name[i] >= 'a' && name[i] <= 'z';
            if (ok) {
                snprintf(part, sizeof(part), "%s/partials/%.*s.html", web_root, (int)nlen, name);
                FILE *f = fopen(part, "rb");
                if (f) {
                    text = malloc(65536);
                    plen = text ? fread(text, 1, 65536, f) : 0;
                    fclose(f);
                }
            }
        }
        if (len + lit + plen + 1 > cap) {
            size_t ncap = (len + lit + plen + 1) * 2;
            char *nb = realloc(out, ncap);
            if (nb == NULL) {
                free(text);
                free(out);
                free(src);
                return NULL;
            }
            out = nb;
            cap = ncap;
        }
        memcpy(out + len, p, lit);
        len += lit;
        if (!(m && end))
            break;
        if (text) {
            memcpy(out + len, text, plen);
            len += plen;
            free(text);
        }
        p = end + 3;
    }
    out[len] = '\0';
    free(src);
    *out_len = len;
    return out;
}

enum MHD_Result static_serve(route_ctx *rc, const char *web_root, const char *nhsuk_root)
{
    if (strcmp(rc->method, "GET") != 0 && strcmp(rc->method, "HEAD") != 0)
        return req_send_error(rc, SEAM_EMETHOD, "method_not_allowed", "Only GET is allowed here.", NULL);
    const char *url = rc->url;
    const char *root = web_root;
    char assets[600];
    if (strncmp(url, "/nhsuk/", 7) == 0) {
        root = nhsuk_root;
        url += 6;
    } else if (strncmp(url, "/vendor/chart.js/", 17) == 0) {
        /* Chart.js for the measures charts, beside nhsuk-frontend in node_modules. */
        snprintf(assets, sizeof(assets), "%s/../../chart.js/dist", nhsuk_root);
        root = assets;
        url += 16;
    } else if (strncmp(url, "/assets/", 8) == 0) {
        /* The NHS.UK stylesheet refers to its icons as /assets/... */
        snprintf(assets, sizeof(assets), "%s/nhsuk", nhsuk_root);
        root = assets;
    }
    if (strcmp(url, "/") == 0)
        url = "/index.html";
    /* Only plain relative names: no "..", no hidden files, no odd bytes. */
    int ok = url[0] == '/' && strlen(url) < 512 && strstr(url, "..") == NULL && strstr(url, "//") == NULL &&
             strstr(url, "/.") == NULL;
    for (const char *s = url; ok && *s; s++)
        ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '/' ||
             *s == '.' || *s == '-' || *s == '_';
    char path[1024];
    int fd = -1;
    struct stat st;
    if (ok && snprintf(path, sizeof(path), "%s%s", root, url) < (int)sizeof(path))
        fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        static const char page[] = "<!doctype html><title>Page not found - Seam</title>"
                                   "<h1>Page not found</h1><p><a href=\"/\">Go to the Seam home page</a></p>";
        struct MHD_Response *r =
            MHD_create_response_from_buffer(sizeof(page) - 1, (void *)page, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
        rc->status = 404;
        enum MHD_Result ret = MHD_queue_response(rc->conn, 404, r);
        MHD_destroy_response(r);
        return ret;
    }
    struct MHD_Response *r = NULL;
    size_t plen = strlen(path);
    if (root == web_root && plen > 5 && strcmp(path + plen - 5, ".html") == 0) {
        /* Pages share their head links, header and footer (web/partials). */
        size_t len = 0;
        char *page = expand_includes(web_root, fd, (size_t)st.st_size, &len);
        close(fd);
        if (page == NULL)
            return req_send_error(rc, SEAM_EINTERNAL, "internal_error", "The page could not be read.", NULL);
        r = MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
    } else {
        r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    }
    MHD_add_response_header(r, "Content-Type", content_type(path));
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                            " font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'");
    MHD_add_response_header(r, "Cache-Control", root == web_root ? "no-cache" : "public, max-age=3600");
    rc->status = 200;
    enum MHD_Result ret = MHD_queue_response(rc->conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}
