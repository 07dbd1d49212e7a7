/**
 * The {@code stagecoach} commands, one picocli class per command: {@code serve} starts the local
 * cloud in this process, every other command is a client of the REST API. Depends on {@code client}
 * and {@code settings}, on picocli and Jackson, and on the local cloud ({@code
 * io.stagecoach.local}) for {@code serve} alone; the local cloud never depends on this module.
 */
package io.stagecoach.cli;
