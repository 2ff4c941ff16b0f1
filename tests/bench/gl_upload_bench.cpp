// Texture upload rate of whatever GL the process gets (native, rendersock,
// upstream virpipe): glTexSubImage2D of a square RGBA8 image into a texture
// that a quad then samples, N times, finished with glFinish. Prints MB/s.
// usage: gl_upload_bench [--size N] [--uploads N]   (GLX, needs $DISPLAY)
#include <GL/gl.h>
#include <GL/glx.h>
#include <X11/Xlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Options {
    int size = 1024;
    int uploads = 200;
};

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--size") options.size = std::atoi(argv[i + 1]);
        else if (flag == "--uploads") options.uploads = std::atoi(argv[i + 1]);
    }
    return options;
}

bool make_context(Display*& display) {
    display = XOpenDisplay(nullptr);
    if (!display) return false;
    int attributes[] = {GLX_RGBA, GLX_DOUBLEBUFFER, GLX_RED_SIZE, 8, GLX_GREEN_SIZE, 8, GLX_BLUE_SIZE, 8, None};
    XVisualInfo* visual = glXChooseVisual(display, DefaultScreen(display), attributes);
    if (!visual) return false;
    XSetWindowAttributes window_attributes{};
    window_attributes.colormap =
        XCreateColormap(display, RootWindow(display, visual->screen), visual->visual, AllocNone);
    const Window window = XCreateWindow(display, RootWindow(display, visual->screen), 0, 0, 64, 64, 0,
                                        visual->depth, InputOutput, visual->visual, CWColormap, &window_attributes);
    GLXContext context = glXCreateContext(display, visual, nullptr, True);
    return context && glXMakeCurrent(display, window, context);
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    Display* display = nullptr;
    if (!make_context(display)) {
        std::fprintf(stderr, "gl_upload_bench: no GLX context\n");
        return 1;
    }
    const size_t bytes = size_t(options.size) * size_t(options.size) * 4;
    std::vector<unsigned char> pixels(bytes);
    for (size_t i = 0; i < bytes; ++i) pixels[i] = static_cast<unsigned char>(i * 7);
    GLuint texture = 0;
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, options.size, options.size, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glEnable(GL_TEXTURE_2D);
    glFinish();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < options.uploads; ++i) {
        pixels[size_t(i) % bytes] = static_cast<unsigned char>(i);  // a different image each time
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, options.size, options.size, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
        glBegin(GL_QUADS);  // the texture is used, so an upload cannot be skipped
        glTexCoord2f(0, 0); glVertex2f(-1, -1);
        glTexCoord2f(1, 0); glVertex2f(1, -1);
        glTexCoord2f(1, 1); glVertex2f(1, 1);
        glTexCoord2f(0, 1); glVertex2f(-1, 1);
        glEnd();
    }
    glFinish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double megabytes = double(bytes) * options.uploads / 1e6;
    std::printf("uploads %d of %dx%d RGBA8: %.1f MB/s (%.3f s)\n", options.uploads, options.size, options.size,
                megabytes / seconds, seconds);
    return glGetError() == GL_NO_ERROR ? 0 : 2;
}
