package io.kcp.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * kcptun's {@code -c} file: one JSON object whose keys are flag names and whose values are
 * strings, numbers or booleans. Values keep their JSON type (String, Long, Boolean) so that the
 * caller can insist on the type each flag has.
 */
final class JsonConfigFile {

    private final String s;
    private int i;

    private JsonConfigFile(String s) {
        this.s = s;
    }

    static Map<String, Object> read(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage());
        }
    }

    static Map<String, Object> parse(String text) {
        JsonConfigFile p = new JsonConfigFile(text);
        p.space();
        Map<String, Object> m = p.object();
        p.space();
        if (p.i != text.length()) throw p.error("text after the object");
        return m;
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            space();
            String key = string();
            space();
            expect(':');
            space();
            m.put(key, value(key));
            space();
            char c = next();
            if (c == '}') return m;
            if (c != ',') throw error("expected , or }");
        }
    }

    private Object value(String key) {
        char c = peek();
        if (c == '"') return string();
        if (c == 't' && s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
        }
        if (c == 'f' && s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
        }
        if (c == '-' || (c >= '0' && c <= '9')) return number(key);
        throw error("\"" + key + "\" must be a string, a number or true/false");
    }

    private Long number(String key) {
        int start = i;
        if (peek() == '-') i++;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || "+-.eE".indexOf(s.charAt(i)) >= 0)) i++;
        String t = s.substring(start, i);
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw error("\"" + key + "\" must be a whole number, got " + t);
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') return b.toString();
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u':
                        if (i + 4 > s.length()) throw error("short \\u escape");
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: b.append(e);
                }
            } else {
                b.append(c);
            }
        }
    }

    private void space() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private char peek() {
        if (i >= s.length()) throw error("unexpected end");
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) throw error("expected " + c);
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at offset " + i);
    }
}
