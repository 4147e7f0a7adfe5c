package dev.shoal.agent.runtime;

/**
 * A piece of a task's output: a whole line, or part of one that is longer or not finished yet.
 *
 * @param stream {@code stdout} or {@code stderr}
 * @param time when it was written (Docker: the engine's timestamp) or read (process runtime), epoch nanoseconds
 * @param bytes the text, without the line feed
 * @param pos where the piece ends in its stream, growing along the stream: the byte offset after it
 *     (process runtime) or its timestamp (Docker). Reading again from a piece's {@code pos} starts after it.
 * @param endsLine the line ends here (it ended with a line feed, or the task ended)
 */
public record OutputPiece(String stream, long time, byte[] bytes, long pos, boolean endsLine) {}
