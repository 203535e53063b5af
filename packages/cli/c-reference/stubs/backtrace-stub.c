/* Saffron's own no-op for spice-common's spice_backtrace(), called by its log.c on errors. */
void spice_backtrace(void);
void spice_backtrace(void) {}
