// Registers the suggestions' writes as writer-thread methods. Imported by ./writer.worker.ts.
import { registerWriterMethods } from './writer-methods.js';
import { suggestionWriterMethods } from './suggestions.js';

registerWriterMethods(({ db }) => suggestionWriterMethods(db));
