/**
 * The HTTP client of the REST API: requests and answers ({@code ApiClient}, {@code Answer}), the
 * problems an answer carries, and {@code Follow}, which polls a long-running operation to its end.
 * Depends only on the JDK's {@code HttpClient} and Jackson: it shares no code with the functions,
 * so the CLI sees exactly what other clients see.
 */
package io.stagecoach.cli.client;
