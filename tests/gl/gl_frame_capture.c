/* LD_PRELOAD shim for GL programs: at the Nth glXSwapBuffers/eglSwapBuffers
 * it reads the back buffer (the viewport's size) through whichever GL the
 * program uses, writes it as a binary PPM and exits, so the same frame can
 * be compared between a native run and a rendersock run.
 * RENDERSOCK_CAPTURE_FRAME (default 1), RENDERSOCK_CAPTURE_FILE.
 * With RENDERSOCK_CAPTURE_WINDOW=1 (GLX only) it instead reads the X window
 * at swap N+1, i.e. frame N as presented, which checks the presentation. */
#define _GNU_SOURCE
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef unsigned int GLenum;
typedef int GLint;
typedef int GLsizei;
#define GL_VIEWPORT 0x0BA2
#define GL_RGBA 0x1908
#define GL_UNSIGNED_BYTE 0x1401
#define GL_PACK_ALIGNMENT 0x0D05

static int frames;

static void *gl(const char *name) { return dlsym(RTLD_DEFAULT, name); }

static void capture(void) {
    const char *wanted = getenv("RENDERSOCK_CAPTURE_FRAME");
    const char *file = getenv("RENDERSOCK_CAPTURE_FILE");
    if (!file || ++frames != (wanted ? atoi(wanted) : 1)) return;
    void (*get_integerv)(GLenum, GLint *) = (void (*)(GLenum, GLint *))gl("glGetIntegerv");
    void (*pixel_storei)(GLenum, GLint) = (void (*)(GLenum, GLint))gl("glPixelStorei");
    void (*read_pixels)(GLint, GLint, GLsizei, GLsizei, GLenum, GLenum, void *) =
        (void (*)(GLint, GLint, GLsizei, GLsizei, GLenum, GLenum, void *))gl("glReadPixels");
    if (!get_integerv || !pixel_storei || !read_pixels) {
        fprintf(stderr, "gl_frame_capture: no GL entry points\n");
        exit(3);
    }
    GLint viewport[4] = {0, 0, 0, 0};
    get_integerv(GL_VIEWPORT, viewport);
    const int width = viewport[2], height = viewport[3];
    unsigned char *rgba = malloc((size_t)width * height * 4);
    pixel_storei(GL_PACK_ALIGNMENT, 1);
    read_pixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    FILE *out = fopen(file, "wb");
    if (!out) exit(4);
    fprintf(out, "P6\n%d %d\n255\n", width, height);
    for (int y = height - 1; y >= 0; --y)
        for (int x = 0; x < width; ++x) fwrite(rgba + ((size_t)y * width + x) * 4, 1, 3, out);
    fclose(out);
    fprintf(stderr, "gl_frame_capture: frame %d (%dx%d) written to %s\n", frames, width, height, file);
    exit(0);
}

/* Frame N as the X server shows it, read at swap N + 1. */
static int capture_window(void *display, unsigned long drawable) {
    const char *wanted = getenv("RENDERSOCK_CAPTURE_FRAME");
    const char *file = getenv("RENDERSOCK_CAPTURE_FILE");
    if (!file || ++frames != (wanted ? atoi(wanted) : 1) + 1) return 0;
    XImage *(*get_image)(Display *, Drawable, int, int, unsigned, unsigned, unsigned long, int) =
        (XImage * (*)(Display *, Drawable, int, int, unsigned, unsigned, unsigned long, int)) gl("XGetImage");
    void (*get_integerv)(GLenum, GLint *) = (void (*)(GLenum, GLint *))gl("glGetIntegerv");
    if (!get_image || !get_integerv) exit(3);
    GLint viewport[4] = {0, 0, 0, 0};
    get_integerv(GL_VIEWPORT, viewport);
    XImage *image = get_image((Display *)display, drawable, 0, 0, (unsigned)viewport[2], (unsigned)viewport[3],
                              AllPlanes, ZPixmap);
    if (!image) exit(5);
    FILE *out = fopen(file, "wb");
    if (!out) exit(4);
    fprintf(out, "P6\n%d %d\n255\n", viewport[2], viewport[3]);
    for (int y = 0; y < viewport[3]; ++y)
        for (int x = 0; x < viewport[2]; ++x) {
            const unsigned long pixel = XGetPixel(image, x, y);
            const unsigned char rgb[3] = {(unsigned char)(pixel >> 16), (unsigned char)(pixel >> 8), (unsigned char)pixel};
            fwrite(rgb, 1, 3, out);
        }
    fclose(out);
    XDestroyImage(image);
    fprintf(stderr, "gl_frame_capture: window after frame %d written to %s\n", frames - 1, file);
    exit(0);
}

void glXSwapBuffers(void *display, unsigned long drawable) {
    if (getenv("RENDERSOCK_CAPTURE_WINDOW"))
        capture_window(display, drawable);
    else
        capture();
    void (*real)(void *, unsigned long) = (void (*)(void *, unsigned long))dlsym(RTLD_NEXT, "glXSwapBuffers");
    real(display, drawable);
}

unsigned int eglSwapBuffers(void *display, void *surface) {
    capture();
    unsigned int (*real)(void *, void *) = (unsigned int (*)(void *, void *))dlsym(RTLD_NEXT, "eglSwapBuffers");
    return real(display, surface);
}
