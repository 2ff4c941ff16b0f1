/* gl_wait_forever: draws and waits for the GPU without end, until the GL
 * context is lost. For the fault tests: the server is killed while this
 * waits, and it must learn so as a GL program would after a GPU reset
 * (KHR_robustness), not hang and not crash.
 *   gl_wait_forever finish   glClear + glFinish on a pbuffer (surfaceless EGL)
 *   gl_wait_forever swap     glClear + eglSwapBuffers on an X11 window ($DISPLAY)
 * Prints "waiting" once the loop runs; then, at the loss, what it saw:
 * exit 0 when glGetError said GL_CONTEXT_LOST (and eglSwapBuffers
 * EGL_CONTEXT_LOST in swap mode) and glGetGraphicsResetStatus said
 * GL_UNKNOWN_CONTEXT_RESET; exit 1 otherwise; 2 when there is no EGL. */
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GL/gl.h>
#include <GL/glext.h>
#include <X11/Xlib.h>
#include <stdio.h>
#include <string.h>

typedef GLenum(APIENTRY *ResetStatusFn)(void);

static int lost_report(const char *what, EGLint egl_error) {
    ResetStatusFn reset_status = (ResetStatusFn)eglGetProcAddress("glGetGraphicsResetStatus");
    const GLenum status = reset_status ? reset_status() : 0;
    printf("lost: %s; EGL error 0x%04x; glGetGraphicsResetStatus 0x%04x\n", what, egl_error, status);
    fflush(stdout);
    return status == GL_UNKNOWN_CONTEXT_RESET ? 0 : 1;
}

static EGLDisplay open_display(int windowed, Display **x_display) {
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
        (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    if (!get_display) return EGL_NO_DISPLAY;
    if (!windowed) return get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
    *x_display = XOpenDisplay(NULL);
    return *x_display ? get_display(EGL_PLATFORM_X11_KHR, *x_display, NULL) : EGL_NO_DISPLAY;
}

static EGLSurface open_pbuffer(EGLDisplay display, EGLConfig *config) {
    const EGLint wanted[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,
                             EGL_RED_SIZE, 8, EGL_NONE};
    const EGLint size[] = {EGL_WIDTH, 64, EGL_HEIGHT, 64, EGL_NONE};
    EGLint count = 0;
    if (!eglChooseConfig(display, wanted, config, 1, &count) || count < 1) return EGL_NO_SURFACE;
    return eglCreatePbufferSurface(display, *config, size);
}

static EGLSurface open_window(EGLDisplay display, Display *x_display, EGLConfig *config) {
    const EGLint wanted[] = {EGL_SURFACE_TYPE, EGL_WINDOW_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,
                             EGL_RED_SIZE, 8, EGL_NONE};
    EGLint count = 0;
    if (!eglChooseConfig(display, wanted, config, 1, &count) || count < 1) return EGL_NO_SURFACE;
    Window window = XCreateSimpleWindow(x_display, DefaultRootWindow(x_display), 0, 0, 128, 128, 0, 0, 0);
    XMapWindow(x_display, window);
    XSync(x_display, False);
    return eglCreateWindowSurface(display, *config, (EGLNativeWindowType)window, NULL);
}

int main(int argc, char **argv) {
    const int windowed = argc > 1 && strcmp(argv[1], "swap") == 0;
    Display *x_display = NULL;
    EGLDisplay display = open_display(windowed, &x_display);
    if (display == EGL_NO_DISPLAY || !eglInitialize(display, NULL, NULL) || !eglBindAPI(EGL_OPENGL_API)) {
        fprintf(stderr, "gl_wait_forever: no EGL display\n");
        return 2;
    }
    EGLConfig config = EGL_NO_CONFIG_KHR;
    EGLSurface surface = windowed ? open_window(display, x_display, &config) : open_pbuffer(display, &config);
    if (surface == EGL_NO_SURFACE) {
        fprintf(stderr, "gl_wait_forever: no surface\n");
        return 2;
    }
    EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, NULL);
    if (context == EGL_NO_CONTEXT || !eglMakeCurrent(display, surface, surface, context)) {
        fprintf(stderr, "gl_wait_forever: no GL context\n");
        return 2;
    }
    for (unsigned long frame = 0;; frame++) {
        glClearColor((frame % 7) / 7.0f, 0.5f, 0.25f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        if (windowed) {
            if (!eglSwapBuffers(display, surface)) {
                const EGLint error = eglGetError();
                const GLenum gl_error = glGetError();
                if (error != EGL_CONTEXT_LOST || gl_error != GL_CONTEXT_LOST) {
                    printf("eglSwapBuffers failed with 0x%04x, glGetError 0x%04x\n", error, gl_error);
                    return 1;
                }
                return lost_report("eglSwapBuffers", error);
            }
        } else {
            glFinish();
        }
        const GLenum error = glGetError();
        if (error == GL_CONTEXT_LOST) return lost_report(windowed ? "glGetError after a swap" : "glFinish", 0);
        if (error != GL_NO_ERROR) {
            printf("unexpected GL error 0x%04x\n", error);
            return 1;
        }
        if (frame == 0) {
            printf("waiting\n");
            fflush(stdout);
        }
    }
}
