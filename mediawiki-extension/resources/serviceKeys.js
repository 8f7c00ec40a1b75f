/*!
 * Special:ServiceKeys: the copy button next to a secret shown once. Without
 * JavaScript the button stays hidden and the field can be selected by hand.
 */
( function () {
	'use strict';

	mw.hook( 'wikipage.content' ).add( function ( $content ) {
		$content.find( '.mw-tokenauth-copy' ).each( function () {
			var $button = $( this ),
				field = document.getElementById( $button.data( 'target' ) );
			if ( !field ) {
				return;
			}
			$button.on( 'click', function () {
				field.select();
				var done = function () {
					$button.text( $button.data( 'copied' ) );
				};
				if ( navigator.clipboard && navigator.clipboard.writeText ) {
					navigator.clipboard.writeText( field.value ).then( done, function () {
						// Not allowed (e.g. no secure context): the text stays selected.
					} );
				} else if ( document.execCommand( 'copy' ) ) {
					done();
				}
			} );
		} );
	} );
}() );
