#ifndef QUARRY_CNCURSESW_SHIM_H
#define QUARRY_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <curses.h>

int wcwidth(wchar_t c);

/* Macros and globals that do not import into Swift 6, wrapped once. */
static inline WINDOW *quarry_stdscr(void) { return stdscr; }
static inline int quarry_lines(void) { return LINES; }
static inline int quarry_cols(void) { return COLS; }
static inline int quarry_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int quarry_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline attr_t quarry_a_bold(void) { return A_BOLD; }
static inline attr_t quarry_a_dim(void) { return A_DIM; }
static inline attr_t quarry_a_reverse(void) { return A_REVERSE; }
static inline attr_t quarry_a_underline(void) { return A_UNDERLINE; }
static inline attr_t quarry_a_normal(void) { return A_NORMAL; }
static inline int quarry_color_pair(int n) { return COLOR_PAIR(n); }
#endif
