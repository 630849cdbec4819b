package io.quarkiverse.goroutines.deployment.app;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

/** A blocking body reader that records the thread it ran on. */
@Provider
@Consumes(MediaType.TEXT_PLAIN)
public class BodyOfReader implements MessageBodyReader<BodyOf> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == BodyOf.class;
    }

    @Override
    public BodyOf readFrom(Class<BodyOf> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, String> httpHeaders, InputStream entityStream) throws IOException {
        return new BodyOf(new String(entityStream.readAllBytes(), StandardCharsets.UTF_8), Where.here());
    }
}
