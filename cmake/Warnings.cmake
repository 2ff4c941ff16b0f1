# One place for the warning set every target of ours uses.
add_library(rendersock_warnings INTERFACE)
target_compile_options(rendersock_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wno-missing-field-initializers -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(RENDERSOCK_WERROR)
  target_compile_options(rendersock_warnings INTERFACE -Werror)
endif()
