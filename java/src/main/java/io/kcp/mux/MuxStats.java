package io.kcp.mux;

/**
 * A snapshot of a {@link MuxSession}'s counters. Payload bytes only (frame headers excluded).
 *
 * @param streamsOpened streams this end opened
 * @param streamsAccepted streams the peer opened that were queued for accept
 * @param streamsRefused peer SYNs refused because the backlog or the stream limit was full
 * @param streamsOpen streams open now
 * @param framesReceived frames parsed
 * @param framesSent frames written
 * @param bytesReceived payload bytes of data frames received
 * @param bytesSent payload bytes of data frames sent
 * @param droppedBytes payload bytes for streams that do not exist (any more), or were reset
 * @param windowOverruns streams reset because the peer sent beyond their window (version 2)
 * @param ignoredFrames frames that named no stream they could apply to (a FIN or UPD for an
 *     unknown stream, a second SYN, a SYN with this end's parity)
 * @param bufferedBytes received bytes waiting to be read, all streams together
 */
public record MuxStats(long streamsOpened, long streamsAccepted, long streamsRefused,
                       long streamsOpen, long framesReceived, long framesSent, long bytesReceived,
                       long bytesSent, long droppedBytes, long windowOverruns, long ignoredFrames,
                       long bufferedBytes) {
}
