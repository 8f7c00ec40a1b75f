/*!
 * mws.tokenAuthenticator: mint a user token for the logged-in user, to hand to
 * another service that exchanges it at this wiki's verify route.
 */
( function () {
	'use strict';

	/**
	 * The server's own message for a failed request, when it sent one.
	 *
	 * @param {string} code Error code from mw.Rest
	 * @param {Object} [details] Second argument of mw.Rest's rejection
	 * @return {string}
	 */
	function errorMessage( code, details ) {
		var xhr = details && details.xhr,
			body = xhr && xhr.responseJSON;
		if ( body && typeof body.message === 'string' ) {
			return body.message;
		}
		if ( xhr && xhr.status ) {
			return 'HTTP ' + xhr.status + ( xhr.statusText ? ' ' + xhr.statusText : '' );
		}
		return code || 'http';
	}

	window.mws = window.mws || {};
	window.mws.tokenAuthenticator = {
		/**
		 * @param {boolean} [withIssuer=false] Return the salted token that names
		 *  this wiki (needs $mwsgTokenAuthenticatorSalt on the server)
		 * @return {jQuery.Promise} Resolves to the token string; rejects with the
		 *  server's error message
		 */
		generateToken: function ( withIssuer ) {
			return new mw.Rest().get( '/mws/v1/user-token/generate', {
				withIssuer: withIssuer ? 1 : 0
			} ).then(
				function ( data ) {
					if ( data && typeof data.value === 'string' ) {
						return data.value;
					}
					return $.Deferred().reject( 'Unexpected response from the token service' ).promise();
				},
				function ( code, details ) {
					return $.Deferred().reject( errorMessage( code, details ) ).promise();
				}
			);
		}
	};
}() );
