#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so the wide-character API (get_wch, cchar_t,
// setcchar) and wcwidth must be switched on here, before any system header.
#define _XOPEN_SOURCE 700
#define NCURSES_WIDECHAR 1

#include <langinfo.h>
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// The attribute macros are built with the function-like NCURSES_BITS, which Swift cannot import.
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_italic(void) { return A_ITALIC; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_color(void) { return A_COLOR; }

// Globals read through functions so Swift 6 sees no shared mutable state.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline WINDOW *cn_curscr(void) { return curscr; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }

static inline int cn_key_f(int n) { return KEY_F(n); }

// tigetstr answers (char *)-1 for "not a string capability"; fold that into NULL.
static inline const char *cn_tigetstr(const char *name) {
    char *value = tigetstr(name);
    return (value == (char *)-1) ? NULL : value;
}

// tparm/tiparm are variadic, which Swift cannot call.
static inline const char *cn_tparm2(const char *cap, int a, int b) { return tiparm(cap, a, b); }

#endif
