/* gl_error_checks: glGetError as programs use it (drain loops, a check
 * after every call, errors raised on purpose) on a surfaceless EGL context.
 * Prints what each check returned, so a run through rendersock can be
 * compared with a native run line for line; exit 1 on an unexpected value.
 * With rendersock, the server's round-trip counter shows how many of the
 * checks needed the host (tests/integration/py/test_gl.py).
 *   gl_error_checks [REPEATS]   (default 1000) */
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GL/gl.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;

static void expect(const char *what, GLenum got, GLenum want) {
    printf("%-52s 0x%04x%s\n", what, got, got == want ? "" : "  UNEXPECTED");
    if (got != want) failures++;
}

/* Every one of `repeats` checks must say GL_NO_ERROR. */
static void repeated_checks(const char *what, int repeats) {
    GLenum last = GL_NO_ERROR;
    for (int i = 0; i < repeats; i++) {
        GLenum error = glGetError();
        if (error != GL_NO_ERROR) last = error;
    }
    expect(what, last, GL_NO_ERROR);
}

int main(int argc, char **argv) {
    const int repeats = argc > 1 ? atoi(argv[1]) : 1000;
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
        (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    EGLDisplay display = get_display ? get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL)
                                     : EGL_NO_DISPLAY;
    if (display == EGL_NO_DISPLAY || !eglInitialize(display, NULL, NULL) || !eglBindAPI(EGL_OPENGL_API)) {
        fprintf(stderr, "gl_error_checks: no surfaceless EGL display\n");
        return 2;
    }
    EGLContext context = eglCreateContext(display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, NULL);
    if (context == EGL_NO_CONTEXT || !eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context)) {
        fprintf(stderr, "gl_error_checks: no surfaceless GL context\n");
        return 2;
    }
    while (glGetError() != GL_NO_ERROR) {
    }
    repeated_checks("repeated checks after a drain", repeats);
    glEnable(0xFFFF);
    expect("glEnable(0xFFFF)", glGetError(), GL_INVALID_ENUM);
    expect("the next check", glGetError(), GL_NO_ERROR);
    glClearColor(0.25f, 0.5f, 0.75f, 1.0f);
    expect("glClearColor", glGetError(), GL_NO_ERROR);
    repeated_checks("repeated checks after glClearColor", repeats);
    glTexImage2D(GL_TEXTURE_2D, -1, GL_RGBA, 4, 4, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    glLineWidth(-1.0f);
    expect("glTexImage2D(level -1), glLineWidth(-1): first", glGetError(), GL_INVALID_VALUE);
    expect("the next check", glGetError(), GL_NO_ERROR);
    GLint viewport[4];
    glGetIntegerv(GL_VIEWPORT, viewport);
    expect("glGetIntegerv(GL_VIEWPORT)", glGetError(), GL_NO_ERROR);
    for (int i = 0; i < repeats / 10; i++) {  /* a check after every call */
        glEnable(GL_DEPTH_TEST);
        GLenum error = glGetError();
        if (error != GL_NO_ERROR) {
            expect("glEnable(GL_DEPTH_TEST) in a loop", error, GL_NO_ERROR);
            break;
        }
    }
    eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroyContext(display, context);
    eglTerminate(display);
    printf("%s\n", failures ? "unexpected errors" : "all checks as expected");
    return failures ? 1 : 0;
}
