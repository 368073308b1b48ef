/** Federation controllers that run against the hub through fabric8 informers (see issue 4). */
package dev.flotilla.controller;
