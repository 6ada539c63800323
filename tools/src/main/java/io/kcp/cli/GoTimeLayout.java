package io.kcp.cli;

import java.time.LocalDateTime;

/**
 * Go's reference-time layouts as kcptun's {@code -snmplog} uses them in file names
 * ({@code ./snmp-20060102.log}): 2006 year, 01 month, 02 day, 15 hour, 04 minute, 05 second,
 * 06 two-digit year, Jan month name. Other text is kept as it is.
 */
final class GoTimeLayout {

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
            "Sep", "Oct", "Nov", "Dec"};

    private GoTimeLayout() {
    }

    static String format(String layout, LocalDateTime t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < layout.length(); ) {
            if (layout.startsWith("2006", i)) {
                b.append(String.format("%04d", t.getYear()));
                i += 4;
            } else if (layout.startsWith("Jan", i)) {
                b.append(MONTHS[t.getMonthValue() - 1]);
                i += 3;
            } else if (layout.startsWith("01", i)) {
                b.append(String.format("%02d", t.getMonthValue()));
                i += 2;
            } else if (layout.startsWith("02", i)) {
                b.append(String.format("%02d", t.getDayOfMonth()));
                i += 2;
            } else if (layout.startsWith("15", i)) {
                b.append(String.format("%02d", t.getHour()));
                i += 2;
            } else if (layout.startsWith("04", i)) {
                b.append(String.format("%02d", t.getMinute()));
                i += 2;
            } else if (layout.startsWith("05", i)) {
                b.append(String.format("%02d", t.getSecond()));
                i += 2;
            } else if (layout.startsWith("06", i)) {
                b.append(String.format("%02d", t.getYear() % 100));
                i += 2;
            } else {
                b.append(layout.charAt(i++));
            }
        }
        return b.toString();
    }
}
