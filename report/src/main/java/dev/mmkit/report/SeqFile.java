package dev.mmkit.report;

/**
 * What Linux's {@code seq_file} helpers do to the text they print, for the renderers of this
 * package.
 *
 * @see <a href="https://elixir.bootlin.com/linux/v6.6/source/fs/seq_file.c">fs/seq_file.c: mangle_path, seq_file_path</a>
 */
final class SeqFile {
    private SeqFile() {
    }

    /**
     * {@code seq_file_path(m, file, esc)}: the path with each character of {@code esc} written
     * as a backslash and its three octal digits ({@code mangle_path}), so a newline in a
     * name cannot start a line of its own.
     */
    static String path(String path, String esc) {
        StringBuilder s = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (esc.indexOf(c) >= 0) {
                s.append('\\').append((char) ('0' + ((c >> 6) & 3))).append((char) ('0' + ((c >> 3) & 7))).append((char) ('0' + (c & 7)));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
