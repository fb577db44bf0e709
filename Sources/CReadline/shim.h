#ifndef QUARRY_CREADLINE_SHIM_H
#define QUARRY_CREADLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/* readline's globals are not concurrency-safe in Swift 6: reach them through functions. */
static inline void quarry_rl_set_completion(rl_completion_func_t *f) { rl_attempted_completion_function = f; }
static inline void quarry_rl_set_completion_over(int v) { rl_attempted_completion_over = v; }
static inline const char *quarry_rl_line_buffer(void) { return rl_line_buffer; }
static inline int quarry_rl_point(void) { return rl_point; }
static inline void quarry_rl_set_word_break(const char *s) { rl_completer_word_break_characters = (char *)s; }
static inline void quarry_rl_set_append_character(int c) { rl_completion_append_character = c; }
static inline void quarry_rl_set_catch_signals(int v) { rl_catch_signals = v; }
#endif
