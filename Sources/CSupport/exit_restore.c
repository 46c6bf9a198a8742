#include "CSupport.h"

#include <ncursesw/curses.h>

void cs_restore_for_exit(void) {
    if (!cs_suspend_leave_now()) endwin();
    cs_stderr_capture_end();
}
