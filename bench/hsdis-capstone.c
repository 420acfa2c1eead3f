/*
 * hsdis-capstone.c: the disassembler HotSpot loads for -XX:+PrintAssembly, over the
 * capstone library, so that bench/instructions.sh BY_LINE=1 can print the JIT's code with
 * the source lines each instruction came from. A profiling aid only: no part of mmkit.
 *
 * HotSpot looks for a shared library named hsdis-<arch>.so (on the library path, among
 * others) and calls its decode_instructions_virtual with a range of code; the plugin
 * prints each instruction through HotSpot's printf callback, and reports where each one
 * starts and ends through the event callback, which is how HotSpot places its comments
 * (the inlined scopes, "; - Class::method@bci (line n)") between them. Intel syntax.
 *
 * Build: gcc -O2 -shared -fPIC -o hsdis-amd64.so bench/hsdis-capstone.c -lcapstone
 *        (Debian: apt-get install libcapstone-dev); x86-64 only.
 */
#include <stdint.h>
#include <capstone/capstone.h>

typedef void *(*event_callback)(void *stream, const char *event, void *arg);
typedef int (*printf_callback)(void *stream, const char *format, ...);

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer,
                                  uintptr_t length, event_callback event, void *event_stream,
                                  printf_callback print, void *print_stream, const char *options,
                                  int newline) {
  (void) end_va;
  (void) options;
  csh handle;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
    print(print_stream, "hsdis-capstone: cs_open failed\n");
    return NULL;
  }
  cs_option(handle, CS_OPT_SKIPDATA, CS_OPT_ON); /* data between code: shown as bytes, not a stop */
  cs_insn *insns;
  size_t n = cs_disasm(handle, buffer, length, start_va, 0, &insns);
  for (size_t i = 0; i < n; i++) {
    if (event != NULL) {
      event(event_stream, "insn", (void *) insns[i].address);
    }
    print(print_stream, "%s\t%s", insns[i].mnemonic, insns[i].op_str);
    if (event != NULL) {
      event(event_stream, "/insn", (void *) (insns[i].address + insns[i].size));
    }
    if (newline) {
      print(print_stream, "\n");
    }
  }
  if (n > 0) {
    cs_free(insns, n);
  }
  cs_close(&handle);
  return (void *) (start_va + length);
}
